/**
 * `WskCloseSocket` completes within a bound whatever the transport does: a transport that never
 * reports a connection closed, or a connect that never answers, cannot hold a close — and with it
 * `WskDeregister` — forever. Windows completes a close without waiting on the network (an abortive
 * close is immediate); WSK here waits for the transport to let go, up to the provider's
 * `closeTimeoutMs`, and nothing (timer, socket) is left behind either way.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { AF_INET, SOCK_STREAM, sockaddrIn } from '@ws2spi/spi';
import {
  HandleWatch,
  IN_MEMORY_DEFAULT_PROTOCOL,
  inMemoryWskTransports,
  SimNetwork,
  WskAcceptRecorder,
  WskTestClient,
} from '@ws2spi/spi/testing';
import {
  callWithIrp,
  createWskProvider,
  STATUS_CANCELLED,
  STATUS_PENDING,
  STATUS_SUCCESS,
  WSK_EVENT_ACCEPT,
  WSK_FLAG_CONNECTION_SOCKET,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  WskSubsystem,
  type WskTransport,
} from '@ws2spi/spi/wsk';
import type {
  LinkHandlers,
  StreamTransportDriver,
  TransportLink,
} from '../src/provider-kit/transport-driver';

const networks: SimNetwork[] = [];
afterEach(() => {
  for (const n of networks.splice(0)) n.close();
});

/** A link that passes everything through but never says it closed. */
function silentLink(link: TransportLink): TransportLink {
  return {
    get local() {
      return link.local;
    },
    get remote() {
      return link.remote;
    },
    setHandlers: (handlers: LinkHandlers) => link.setHandlers({ ...handlers, onClosed: () => undefined }),
    send: (data, end) => link.send(data, end),
    close: (data) => link.close(data),
    reset: () => link.reset(),
    pause: () => link.pause(),
    resume: () => link.resume(),
  };
}

type Misbehaviour = 'never-closed' | 'connect-never-answers';

/** The in-memory transports, the stream one misbehaving. */
function transports(misbehaviour: Misbehaviour): WskTransport[] {
  const network = new SimNetwork();
  networks.push(network);
  network.addHost('h', { ipv4: ['10.0.0.1'] });
  return inMemoryWskTransports({ network, host: 'h' }).map((t) => {
    if (t.SocketType !== SOCK_STREAM || t.AddressFamily !== AF_INET) return t;
    const inner = t.driver as StreamTransportDriver;
    const driver: StreamTransportDriver = Object.create(inner);
    if (misbehaviour === 'never-closed') {
      driver.connect = async (request) => {
        const outcome = await inner.connect(request);
        return { ...outcome, link: silentLink(outcome.link) };
      };
      driver.listen = (binding, backlog, onIncoming) =>
        inner.listen(binding, backlog, (incoming) =>
          onIncoming({
            get remote() {
              return incoming.remote;
            },
            get local() {
              return incoming.local;
            },
            get callerData() {
              return incoming.callerData;
            },
            accept: (data) => silentLink(incoming.accept(data)),
            refuse: (reason) => incoming.refuse(reason),
          }),
        );
    } else {
      driver.connect = () => new Promise(() => undefined);
    }
    return { ...t, driver };
  });
}

async function start(misbehaviour: Misbehaviour) {
  const wsk = new WskSubsystem({
    provider: createWskProvider({ transports: transports(misbehaviour), closeTimeoutMs: 200 }),
  });
  return { wsk, client: await WskTestClient.start(wsk) };
}

const addr = (port = 0) => sockaddrIn('10.0.0.1', port);
const P = IN_MEMORY_DEFAULT_PROTOCOL;

describe('WskCloseSocket within a bound', () => {
  it('a connection the transport never reports closed: the close completes, WskDeregister returns, no timer is left', async () => {
    const watch = new HandleWatch();
    const { wsk, client } = await start('never-closed');
    const acceptor = new WskAcceptRecorder();
    const listen = await client.listen(AF_INET, SOCK_STREAM, P, addr(), acceptor, WSK_EVENT_ACCEPT);
    const caller = await client.connect(SOCK_STREAM, P, addr(), await client.localAddress(listen));
    const { socket: accepted } = await acceptor.nth(0);
    const started = Date.now();
    const closes = [caller, accepted].map((s) => client.close(s));
    for (const c of closes) expect((await c).Status).toBe(STATUS_SUCCESS);
    // Bounded by the provider's closeTimeoutMs (200 ms here), far below the test's own timeout.
    expect(Date.now() - started).toBeLessThan(10_000);
    await client.end();
    expect(wsk.openSockets(client.registration)).toBe(0);
    expect(wsk.verifier.violations).toEqual([]);
    expect(await watch.settle()).toEqual([]);
  });

  it('a connect the transport never answers: WskCloseSocket cancels it and completes', async () => {
    const watch = new HandleWatch();
    const { wsk, client } = await start('connect-never-answers');
    const socket = await client.socket(AF_INET, SOCK_STREAM, P, WSK_FLAG_CONNECTION_SOCKET);
    const d = socket.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
    expect((await callWithIrp((irp) => d.WskBind(socket, addr(), 0, irp))).Status).toBe(STATUS_SUCCESS);
    let connectStatus = -1;
    const connecting = callWithIrp((irp) => {
      const status = d.WskConnect(socket, addr(9), 0, irp);
      expect(status).toBe(STATUS_PENDING);
      return status;
    }).then((io) => {
      connectStatus = io.Status;
    });
    expect((await client.close(socket)).Status).toBe(STATUS_SUCCESS);
    await connecting;
    expect(connectStatus).toBe(STATUS_CANCELLED);
    await client.end();
    expect(wsk.openSockets(client.registration)).toBe(0);
    expect(wsk.verifier.violations).toEqual([]);
    expect(await watch.settle()).toEqual([]);
  });
});
