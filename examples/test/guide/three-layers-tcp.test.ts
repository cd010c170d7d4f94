// examples/test/guide/three-layers-tcp.test.ts — the guide's first test: a three-layer chain over real TCP.
import 'reflect-metadata';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { installTcpProviders, TCP_PROVIDER_PATH, WSPStartup as tcpWSPStartup } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  type Catalog,
  createFaultInjectorLayer,
  createTracerLayer,
  IPPROTO_TCP,
  isWsaError,
  registerProvider,
  SOCK_STREAM,
  type SOCKADDR,
  type SOCKADDR_IN,
  Socket,
  sockaddrIn,
  TraceLog,
  WSAECONNRESET,
  type Ws2,
} from '@ws2spi/spi';
import { createLayeredProcess, type LayeredProcess, registerWinsockMatchers } from '@ws2spi/spi/testing';
import type { DependencyContainer } from 'tsyringe';

// ── the code under test: ask a server for the time, retry once if the connection is reset ──
async function fetchTime(ws2: Ws2, server: SOCKADDR): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const socket = await Socket.create(ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
    try {
      await socket.connect(server);
      await socket.sendAll(new TextEncoder().encode('TIME\n'));
      const reply = await socket.recv();
      return new TextDecoder().decode(reply);
    } catch (error) {
      if (attempt === 2 || !isWsaError(error, WSAECONNRESET)) throw error;
    } finally {
      socket.close();
    }
  }
}

// ── the machines: base providers for a process, a server, and a client with three layers ──
/** A process's base providers: TCP/IP and UDP/IP over the machine's real sockets. */
function tcp(catalog: Catalog, container: DependencyContainer): void {
  registerProvider(container, TCP_PROVIDER_PATH, tcpWSPStartup);
  installTcpProviders(catalog);
}

/** A time server in a process of its own, with no layers: one answer per connection. */
async function startTimeServer() {
  const proc = await createLayeredProcess({ bases: tcp });
  const listener = await Socket.create(proc.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  await listener.bind(sockaddrIn('127.0.0.1', 0));
  await listener.listen();
  const serving = (async () => {
    for (;;) {
      const accepted = await listener.accept().catch(() => undefined);
      if (!accepted) return; // the listener was closed
      await accepted.socket.recv().catch(() => undefined);
      await accepted.socket.sendAll(new TextEncoder().encode('12:00')).catch(() => undefined);
      accepted.socket.close();
    }
  })();
  return {
    address: sockaddrIn('127.0.0.1', (listener.localAddress() as SOCKADDR_IN).sin_port),
    async stop() {
      listener.close();
      await serving;
      await proc.teardown();
    },
  };
}

beforeAll(() => registerWinsockMatchers());

describe('fetchTime through tracer A, a fault injector and tracer C', () => {
  const log = new TraceLog();
  const faults = createFaultInjectorLayer({ log, name: 'faults' });
  let server: Awaited<ReturnType<typeof startTimeServer>>;
  let client: LayeredProcess;

  beforeEach(async () => {
    server = await startTimeServer();
    // The client machine: TCP/IP with three layered providers installed over it, top first,
    // the way Windows installs LSPs (WSCInstallProviderAndChains).
    client = await createLayeredProcess({
      bases: tcp,
      layers: [
        { name: 'A', provider: createTracerLayer({ name: 'A', log }) },
        { name: 'faults', provider: faults },
        { name: 'C', provider: createTracerLayer({ name: 'C', log }) },
      ],
    });
    log.clear();
    faults.clearToxics();
  });

  afterEach(async () => {
    await client.teardown();
    await server.stop();
  });

  it('gets the time through 50 ms of latency each way', async () => {
    faults.addToxic({ type: 'latency', direction: 'outbound', latencyMs: 50 });
    faults.addToxic({ type: 'latency', direction: 'inbound', latencyMs: 50 });
    expect(await fetchTime(client.ws2, server.address)).toBe('12:00');
    // Every call went down the whole chain: A, then C below the injector.
    expect(log.calls().filter((call) => call.endsWith('WSPConnect'))).toEqual([
      'A WSPConnect',
      'C WSPConnect',
    ]);
    expect(faults.injected.filter((f) => f.kind === 'latency').length).toBeGreaterThanOrEqual(2);
  });

  it('retries once when the first connection is reset', async () => {
    faults.addRule({ calls: 'lpWSPRecv', error: WSAECONNRESET, times: 1 });
    expect(await fetchTime(client.ws2, server.address)).toBe('12:00');
    expect(log.calls().filter((call) => call === 'A WSPConnect')).toHaveLength(2);
  });
});
