/**
 * The Winsock mapping of the OSI provider (package README), checked over two SimNetwork hosts — the
 * same provider code that runs over real TCP — with a recording network under the client so that
 * "nothing was sent" can be asserted:
 *
 * - connect data: ≤ 32 octets each way through `WSAConnect` and the accept condition; 33 →
 *   `WSAEMSGSIZE`, no TCP connection attempted;
 * - disconnect data: `WSASendDisconnect(64 octets)` is a non-disruptive DR after every message
 *   sent before it; the peer sees FD_CLOSE(0), the messages, `WSAEDISCON`, then the data
 *   (`WSAEFAULT` for a small buffer, kept for the retry); 65 → `WSAEMSGSIZE`, nothing sent or shut;
 * - ISO release ends both directions: after it, the peer's send is `WSAEDISCON` and the releasing
 *   side reads the end once the DC confirmed its DR;
 * - class 0 (TP0): disconnect data → `WSAENOPROTOOPT`, nothing sent; TP2 and TP0 do not mix;
 * - TSDUs up to 1 MiB cross whole; expedited data up to 16 octets;
 * - TSAP selectors share a TCP port, and name both ends.
 */
import { OSI_MAX_TSDU_SIZE, sockaddrTp, tpEndpointOf } from '@ws2spi/providers-osi';
import {
  MSG_OOB,
  type SOCKADDR,
  SOCKET_ERROR,
  type Socket,
  WSAEADDRINUSE,
  WSAECONNREFUSED,
  WSAEDISCON,
  WSAEFAULT,
  WSAEMSGSIZE,
  WSAENOPROTOOPT,
  WSAESHUTDOWN,
  WSAEWOULDBLOCK,
  wsabuf,
} from '@ws2spi/spi';
import { SimNetwork } from '@ws2spi/spi/testing';
import { type OsiProcess, startOsiProcess } from './support/osi-process';
import { errorOf, exchange, fdCloseError, SocketBag, text, utf8 } from './support/osi-steps';
import { RecordingStreamNetwork } from './support/recording-stream-network';

const SERVER = '10.0.0.2';

describe('OSI Winsock mapping over SimNetwork', () => {
  let net: SimNetwork;
  let wire: RecordingStreamNetwork;
  let clientProc: OsiProcess;
  let serverProc: OsiProcess;
  let clients: SocketBag;
  let servers: SocketBag;

  beforeEach(() => {
    net = new SimNetwork({ timing: 'virtual' });
    const clientHost = net.addHost('client', { ipv4: ['10.0.0.1'] });
    const serverHost = net.addHost('server', { ipv4: [SERVER] });
    wire = new RecordingStreamNetwork(clientHost.streams);
    clientProc = startOsiProcess({ streams: wire });
    serverProc = startOsiProcess({ streams: serverHost.streams });
    clients = new SocketBag(clientProc.ws2);
    servers = new SocketBag(serverProc.ws2);
  });

  afterEach(async () => {
    clients.closeAll();
    servers.closeAll();
    clientProc.end();
    serverProc.end();
    await net.idle();
    net.close();
  });

  /** A listener of `tsel` on the server host; the address clients use to reach it. */
  async function listen(
    tsel: string,
    protocolClass: 0 | 2 = 2,
    port = 0,
  ): Promise<{ listener: Socket; target: SOCKADDR }> {
    const listener = await servers.open(protocolClass);
    await listener.bind(sockaddrTp(tsel, '0.0.0.0', port));
    await listener.listen(8);
    const bound = tpEndpointOf(listener.localAddress()!);
    if (typeof bound === 'string') throw new Error(bound);
    return { listener, target: sockaddrTp(tsel, SERVER, bound.port) };
  }

  async function pair(protocolClass: 0 | 2 = 2) {
    const { listener, target } = await listen('PAIR', protocolClass);
    const client = await clients.open(protocolClass);
    const [accepted] = await Promise.all([listener.accept(), client.connect(target)]);
    return { client, server: servers.adopt(accepted.socket) };
  }

  it('connect data: 32 octets reach the condition and 32 come back; 33 fail WSAEMSGSIZE before any TCP connect, and the socket then connects', async () => {
    const { listener, target } = await listen('CD');
    const client = await clients.open();
    const caller32 = utf8('c'.repeat(32));
    expect(await errorOf(client.connect(target, { callerData: utf8('c'.repeat(33)) }))).toBe(WSAEMSGSIZE);
    expect(wire.connects).toBe(0);
    let seen = '';
    const [accepted, connected] = await Promise.all([
      listener.accept((request) => {
        seen = text(request.callerData);
        return { accept: true, calleeData: utf8('d'.repeat(32)) };
      }),
      client.connect(target, { callerData: caller32 }),
    ]);
    servers.adopt(accepted.socket);
    expect([seen, text(connected.calleeData)]).toEqual(['c'.repeat(32), 'd'.repeat(32)]);
    expect(wire.connects).toBe(1);
  });

  it('WSASendDisconnect(64 octets) follows every message sent before it; the peer gets FD_CLOSE(0), the messages, WSAEDISCON, then the data (WSAEFAULT for 63 octets, kept)', async () => {
    const { client, server } = await pair();
    const messages = Array.from({ length: 50 }, (_, i) => utf8(`message ${i} `.repeat(i + 1)));
    for (const m of messages) await client.send(m);
    const disconnectData = Uint8Array.from({ length: 64 }, (_, i) => 255 - i);
    client.sendDisconnect(disconnectData);
    expect(await fdCloseError(server)).toBe(0);
    const received: string[] = [];
    for (let i = 0; i < messages.length; i++) received.push(text(await server.recv(8192)));
    expect(received).toEqual(messages.map(text));
    expect(await errorOf(server.recv())).toBe(WSAEDISCON);
    expect(await errorOf(server.recv())).toBe(WSAEDISCON);
    const small = wsabuf(63);
    expect(serverProc.ws2.WSARecvDisconnect(server.handle, small)).toBe(SOCKET_ERROR);
    expect(serverProc.ws2.WSAGetLastError()).toBe(WSAEFAULT);
    expect([...server.recvDisconnect()]).toEqual([...disconnectData]);
  });

  it.each([2, 0] as const)(
    'class %i: the release ends both directions — the peer can no longer send (WSAEDISCON, also once TCP is gone), the releasing side reads the end',
    async (protocolClass) => {
      const { client, server } = await pair(protocolClass);
      client.sendDisconnect(protocolClass === 2 ? utf8('done') : undefined);
      expect(await errorOf(client.send(utf8('more')))).toBe(WSAESHUTDOWN);
      expect(await errorOf(server.recv())).toBe(WSAEDISCON);
      expect(await errorOf(server.send(utf8('reply')))).toBe(WSAEDISCON);
      // DC exchanged and both TCP ends closed: the answer stays the same.
      await net.idle();
      expect(await errorOf(server.send(utf8('reply')))).toBe(WSAEDISCON);
      expect(await errorOf(server.recv())).toBe(WSAEDISCON);
      expect(await errorOf(client.recv())).toBe(WSAEDISCON);
      expect(client.recvDisconnect().byteLength).toBe(0);
    },
  );

  it('65 octets of disconnect data fail WSAEMSGSIZE: nothing is sent or shut, and 64 then work', async () => {
    const { client, server } = await pair();
    await net.idle();
    const before = wire.written;
    expect(await errorOf(() => client.sendDisconnect(new Uint8Array(65)))).toBe(WSAEMSGSIZE);
    await net.idle();
    expect(wire.written).toBe(before);
    await exchange({ client, server }, 'still open');
    client.sendDisconnect(new Uint8Array(64).fill(7));
    expect(await errorOf(server.recv())).toBe(WSAEDISCON);
    expect(server.recvDisconnect()).toEqual(new Uint8Array(64).fill(7));
  });

  it('TP0 (class 0): disconnect data fails WSAENOPROTOOPT with nothing sent; without data the release is the TCP close', async () => {
    const { client, server } = await pair(0);
    await net.idle();
    const before = wire.written;
    expect(await errorOf(() => client.sendDisconnect(utf8('cannot carry this')))).toBe(WSAENOPROTOOPT);
    await net.idle();
    expect(wire.written).toBe(before);
    await exchange({ client, server }, 'class 0');
    client.sendDisconnect();
    expect(await errorOf(server.recv())).toBe(WSAEDISCON);
    expect(server.recvDisconnect().byteLength).toBe(0);
    // The client wrote its one class-0 DT (TPKT 4 + DT header 3 + data) and then only closed TCP:
    // class 0 has no DR in the data phase.
    expect(wire.written).toBe(before + 4 + 3 + 'ping class 0'.length);
  });

  it('TP2 and TP0 do not mix: each refuses the other class (WSAECONNREFUSED) and keeps serving its own', async () => {
    const tp2 = await listen('TP2', 2);
    const tp0 = await listen('TP0', 0);
    const class0Caller = await clients.open(0);
    expect(await errorOf(class0Caller.connect(tp2.target))).toBe(WSAECONNREFUSED);
    const class2Caller = await clients.open(2);
    expect(await errorOf(class2Caller.connect(tp0.target))).toBe(WSAECONNREFUSED);
    for (const [{ listener, target }, protocolClass] of [
      [tp2, 2],
      [tp0, 0],
    ] as const) {
      const client = await clients.open(protocolClass);
      const [accepted] = await Promise.all([listener.accept(), client.connect(target)]);
      await exchange({ client, server: servers.adopt(accepted.socket) }, `class ${protocolClass}`);
    }
  });

  it('a TSDU of 1 MiB crosses whole (in 8 KiB DTs); one octet more is WSAEMSGSIZE', async () => {
    const { client, server } = await pair();
    const big = Uint8Array.from({ length: OSI_MAX_TSDU_SIZE }, (_, i) => (i * 7 + (i >>> 10)) & 0xff);
    expect(await errorOf(client.send(new Uint8Array(OSI_MAX_TSDU_SIZE + 1)))).toBe(WSAEMSGSIZE);
    await net.idle();
    const before = wire.written;
    const [sent, got] = await Promise.all([client.send(big), server.recv(OSI_MAX_TSDU_SIZE)]);
    expect(sent).toBe(OSI_MAX_TSDU_SIZE);
    expect(Buffer.compare(Buffer.from(got), Buffer.from(big))).toBe(0);
    // 8192-octet TPDUs carry 8187 octets after the 5-octet class-2 DT header; each has a 4-octet TPKT.
    const dts = Math.ceil(OSI_MAX_TSDU_SIZE / (8192 - 5));
    expect(wire.written - before).toBe(OSI_MAX_TSDU_SIZE + dts * (4 + 5));
  });

  it('expedited data: 16 octets travel with MSG_OOB, 17 are WSAEMSGSIZE', async () => {
    const { client, server } = await pair();
    const urgent = utf8('0123456789abcdef');
    expect(await client.send(urgent, MSG_OOB)).toBe(16);
    expect(text(await server.recv(64, MSG_OOB))).toBe('0123456789abcdef');
    expect(await errorOf(client.send(utf8('0123456789abcdefg'), MSG_OOB))).toBe(WSAEMSGSIZE);
  });

  it('selectors share a TCP port: each listener gets its own callers, a selector is bound once, and the names carry the selectors', async () => {
    const alpha = await listen('ALPHA');
    const port = tpEndpointOf(alpha.target) as { port: number };
    const beta = await listen('BETA', 2, port.port);
    expect((tpEndpointOf(beta.target) as { port: number }).port).toBe(port.port);
    const twice = await servers.open();
    expect(await errorOf(twice.bind(sockaddrTp('BETA', '0.0.0.0', port.port)))).toBe(WSAEADDRINUSE);

    const caller = await clients.open();
    await caller.bind(sockaddrTp('CALLER', '10.0.0.1', 0));
    let callerId: SOCKADDR | null = null;
    const [accepted] = await Promise.all([
      beta.listener.accept((request) => {
        callerId = request.caller;
        return { accept: true };
      }),
      caller.connect(beta.target),
    ]);
    const server = servers.adopt(accepted.socket);
    const names = {
      callerId: tpEndpointOf(callerId!),
      peerOfServer: tpEndpointOf(server.remoteAddress()!),
      localOfCaller: tpEndpointOf(caller.localAddress()!),
      localOfServer: tpEndpointOf(server.localAddress()!),
      peerOfCaller: tpEndpointOf(caller.remoteAddress()!),
    };
    expect(text((names.callerId as { tsel: Uint8Array }).tsel)).toBe('CALLER');
    expect(names.peerOfServer).toEqual(names.localOfCaller);
    expect(names.callerId).toEqual(names.localOfCaller);
    expect(names.localOfServer).toEqual(names.peerOfCaller);
    expect(names.peerOfCaller).toEqual(tpEndpointOf(beta.target));
    // ALPHA saw nothing.
    alpha.listener.setNonBlocking(true);
    expect(await errorOf(alpha.listener.accept())).toBe(WSAEWOULDBLOCK);
    // Closing BETA leaves ALPHA serving on the same port.
    beta.listener.close();
    const again = await clients.open();
    expect(await errorOf(again.connect(beta.target))).toBe(WSAECONNREFUSED);
    alpha.listener.setNonBlocking(false);
    const last = await clients.open();
    const [acceptedAlpha] = await Promise.all([alpha.listener.accept(), last.connect(alpha.target)]);
    await exchange({ client: last, server: servers.adopt(acceptedAlpha.socket) }, 'alpha');
  });
});
