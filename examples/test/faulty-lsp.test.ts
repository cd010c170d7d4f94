/**
 * Example: testing your application against a faulty layered service provider (LSP).
 *
 * On Windows, any installed LSP sits between your application and TCP/IP, and a buggy one can
 * reset connections, refuse them, or break sockets altogether (a half-uninstalled LSP makes every
 * socket fail with WSAEPROVIDERFAILEDINIT). With @ws2spi you install such an LSP in a test's own
 * catalog and watch how your code copes — over real loopback TCP, without touching the machine.
 *
 * The application under test is `fetchGreeting`: it asks a greeting server for a greeting and
 * retries once if the connection is reset.
 */
import { afterEach, beforeAll, beforeEach, describe, it } from '@jest/globals';
import { installTcpProviders, TCP_PROVIDER_PATH, WSPStartup as tcpWSPStartup } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  type Catalog,
  createFaultInjectorLayer,
  createTracerLayer,
  emptyWsaData,
  IPPROTO_TCP,
  isWsaError,
  MAKEWORD,
  out,
  registerProvider,
  SOCK_STREAM,
  type SOCKADDR,
  type SOCKADDR_IN,
  Socket,
  sockaddrIn,
  TraceLog,
  WSAECONNREFUSED,
  WSAECONNRESET,
  WSAEPROVIDERFAILEDINIT,
  type Ws2,
} from '@ws2spi/spi';
import {
  createLayeredProcess,
  type LayeredProcess,
  type LayerSpec,
  registerWinsockMatchers,
  useLayeredProcess,
} from '@ws2spi/spi/testing';
import type { DependencyContainer } from 'tsyringe';

// ── the application under test ──────────────────────────────────────────────────────────────

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Asks the greeting server at `server` for a greeting; a reset connection is retried once. */
async function fetchGreeting(ws2: Ws2, server: SOCKADDR): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const socket = await Socket.create(ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
    try {
      await socket.connect(server);
      await socket.sendAll(encode('HELLO\n'));
      socket.sendDisconnect(); // nothing more to send: shutdown(SD_SEND)
      let reply = '';
      for (let chunk = await socket.recv(); chunk.byteLength > 0; chunk = await socket.recv())
        reply += decode(chunk);
      return reply;
    } catch (error) {
      if (attempt >= 2 || !isWsaError(error, WSAECONNRESET)) throw error;
    } finally {
      socket.close();
    }
  }
}

// ── the test setup ──────────────────────────────────────────────────────────────────────────

/** The machine's base providers: TCP/IP and UDP/IP over real sockets. */
function tcpBase(catalog: Catalog, container: DependencyContainer): void {
  registerProvider(container, TCP_PROVIDER_PATH, tcpWSPStartup);
  installTcpProviders(catalog);
}

/** A greeting server in a process of its own, with no LSP installed. */
async function startGreetingServer() {
  const proc = await createLayeredProcess({ bases: tcpBase });
  const listener = await Socket.create(proc.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  await listener.bind(sockaddrIn('127.0.0.1', 0));
  await listener.listen();
  const serve = async (connection: Socket) => {
    try {
      while ((await connection.recv()).byteLength > 0) {
        // read the request up to the client's half-close
      }
      await connection.sendAll(encode('hello, world\n'));
    } catch {
      // a client that went away is not the server's problem
    } finally {
      connection.close();
    }
  };
  const connections = new Set<Promise<void>>();
  const serving = (async () => {
    for (;;) {
      const accepted = await listener.accept().catch(() => undefined);
      if (!accepted) return; // the listener was closed
      const done = serve(accepted.socket).finally(() => connections.delete(done));
      connections.add(done);
    }
  })();
  return {
    address: sockaddrIn('127.0.0.1', (listener.localAddress() as SOCKADDR_IN).sin_port),
    async stop() {
      listener.close();
      await serving;
      await Promise.all(connections);
      await proc.teardown();
    },
  };
}

/** The client machine: TCP/IP with `lsp` installed over it, the way a real LSP installs. */
function clientWith(lsp: LayerSpec) {
  return useLayeredProcess(() => ({ bases: tcpBase, layers: [lsp] }));
}

beforeAll(() => registerWinsockMatchers());

let server: Awaited<ReturnType<typeof startGreetingServer>>;
beforeEach(async () => {
  server = await startGreetingServer();
});
afterEach(async () => {
  await server.stop();
});

// ── the tests ───────────────────────────────────────────────────────────────────────────────

describe('through a well-behaved LSP', () => {
  const log = new TraceLog();
  const client = clientWith({ name: 'Tracer', provider: createTracerLayer({ name: 'Tracer', log }) });

  it('gets the greeting, and the LSP saw every call', async () => {
    expect(await fetchGreeting(client().ws2, server.address)).toBe('hello, world\n');
    expect(log.calls()).toEqual([
      'Tracer WSPSocket',
      'Tracer WSPConnect',
      'Tracer WSPSend',
      'Tracer WSPSendDisconnect',
      'Tracer WSPRecv',
      'Tracer WSPRecv',
      'Tracer WSPCloseSocket',
    ]);
  });
});

describe('through an LSP that resets the connection once, five bytes into the reply', () => {
  const lsp = createFaultInjectorLayer({
    rules: [{ calls: 'lpWSPRecv', error: WSAECONNRESET, afterBytes: 5, times: 1 }],
  });
  const client = clientWith({ name: 'Flaky LSP', provider: lsp });

  it('retries and gets the whole greeting', async () => {
    expect(await fetchGreeting(client().ws2, server.address)).toBe('hello, world\n');
    expect(lsp.injected.filter((fault) => fault.kind === 'fail')).toEqual([
      expect.objectContaining({ call: 'lpWSPRecv', error: WSAECONNRESET }),
    ]);
  });
});

describe('through an LSP that resets every connection', () => {
  const client = clientWith({
    name: 'Broken LSP',
    provider: createFaultInjectorLayer({ rules: [{ calls: 'lpWSPRecv', error: WSAECONNRESET }] }),
  });

  it('gives up after the retry with WSAECONNRESET', async () => {
    await expect(fetchGreeting(client().ws2, server.address)).rejects.toThrowWsaError(WSAECONNRESET);
  });
});

describe('through an LSP that refuses connections', () => {
  const client = clientWith({
    name: 'Firewall LSP',
    provider: createFaultInjectorLayer({ rules: [{ calls: 'lpWSPConnect', error: WSAECONNREFUSED }] }),
  });

  it('reports WSAECONNREFUSED without retrying', async () => {
    const { ws2 } = client();
    await expect(fetchGreeting(ws2, server.address)).rejects.toThrowWsaError(WSAECONNREFUSED);
    // The C-shaped API shows the same thing, with the error in WSAGetLastError.
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    expect(await ws2.connect(s, server.address, 16)).toFailWith(ws2, WSAECONNREFUSED);
    expect(ws2.closesocket(s)).toSucceed(ws2);
  });
});

describe('with a half-uninstalled LSP (its chains orphaned)', () => {
  let broken: LayeredProcess;
  afterEach(async () => {
    await broken.teardown();
  });

  it('fails every TCP socket with WSAEPROVIDERFAILEDINIT, as Windows does', async () => {
    broken = await createLayeredProcess({
      bases: tcpBase,
      layers: [{ name: 'Adware LSP', provider: createTracerLayer({ name: 'Adware', log: new TraceLog() }) }],
      start: false,
    });
    // The uninstaller removed the LSP's hidden entry but left its chain entries behind.
    expect(broken.catalog.WSCDeinstallProvider(broken.layers[0].providerId, out(0))).toBe(0);
    expect(broken.ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData())).toBe(0);
    await expect(fetchGreeting(broken.ws2, server.address)).rejects.toThrowWsaError(WSAEPROVIDERFAILEDINIT);
  });
});
