/**
 * The WSK conformance suite (`describeWskConformance`) over real loopback TCP: a WSK client over
 * `tcpWskTransports()` and a `Ws2` process with the TCP/IP provider, both on Node's `net`; and
 * what real TCP adds: a peer's reset that arrives right behind its last data.
 */
import { createServer, type Socket as NetSocket, type Server } from 'node:net';
import { tcpWskTransports } from '@ws2spi/providers-tcp';
import { AF_INET, IPPROTO_TCP, SOCK_STREAM, sockaddrIn } from '@ws2spi/spi';
import { describeWskConformance, WskConnectionRecorder, WskTestClient } from '@ws2spi/spi/testing';
import {
  createWskProvider,
  STATUS_CONNECTION_RESET,
  STATUS_SUCCESS,
  WSK_EVENT_DISCONNECT,
  WSK_EVENT_RECEIVE,
  WSK_FLAG_WAITALL,
  type WskProvider,
  WskSubsystem,
} from '@ws2spi/spi/wsk';
import { startTcpProcess } from './support/tcp-process';

describeWskConformance({
  name: 'TCP on real loopback',
  af: AF_INET,
  type: SOCK_STREAM,
  protocol: IPPROTO_TCP,
  halfClose: true,
  start: () => {
    const provider = createWskProvider({ transports: tcpWskTransports() });
    const proc = startTcpProcess();
    return {
      wsk: new WskSubsystem({ provider }),
      winsock: proc.ws2,
      end: () => {
        proc.end();
        provider.dispose();
      },
    };
  },
  wskAddress: () => sockaddrIn('127.0.0.1', 0),
  winsockAddress: () => sockaddrIn('127.0.0.1', 0),
});

describe('WSK over real TCP: a reset right behind data', () => {
  // Node (libuv) reports a reset that arrives with data as the end of the stream; WSK asks the
  // transport once more before it calls the close graceful.
  let provider: WskProvider;
  let client: WskTestClient;
  let wsk: WskSubsystem;
  let server: Server;
  let peer: NetSocket | null;

  beforeEach(async () => {
    provider = createWskProvider({ transports: tcpWskTransports() });
    wsk = new WskSubsystem({ provider });
    client = await WskTestClient.start(wsk);
    peer = null;
    server = createServer((s) => {
      peer = s;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    await client.end();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    provider.dispose();
    expect(wsk.verifier.violations).toEqual([]);
  });

  const connectToPeer = async (recorder: WskConnectionRecorder | null) => {
    const { port } = server.address() as { port: number };
    const socket = await client.connect(
      SOCK_STREAM,
      IPPROTO_TCP,
      sockaddrIn('127.0.0.1', 0),
      sockaddrIn('127.0.0.1', port),
      recorder,
    );
    while (!peer) await new Promise((resolve) => setImmediate(resolve));
    return { socket, peer: peer as NetSocket };
  };

  it('gives WskDisconnectEvent with WSK_FLAG_ABORTIVE, not a graceful one', async () => {
    for (let round = 0; round < 5; round++) {
      peer = null;
      const recorder = new WskConnectionRecorder();
      const { socket, peer: raw } = await connectToPeer(recorder);
      expect(client.enableEvents(socket, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT)).toBe(STATUS_SUCCESS);
      raw.write('last words');
      raw.resetAndDestroy();
      await recorder.untilDisconnected();
      const disconnects = recorder.disconnects();
      expect(disconnects).toHaveLength(1);
      expect(WskConnectionRecorder.abortive(disconnects[0]!)).toBe(true);
      await client.close(socket);
    }
  });

  it('fails a pending WSK_FLAG_WAITALL receive instead of completing it as if the peer had closed', async () => {
    for (let round = 0; round < 5; round++) {
      peer = null;
      const { socket, peer: raw } = await connectToPeer(null);
      const receive = client.receive(socket, 100, WSK_FLAG_WAITALL);
      raw.write('part');
      raw.resetAndDestroy();
      expect((await receive).Status).toBe(STATUS_CONNECTION_RESET);
      await client.close(socket);
    }
  });
});
