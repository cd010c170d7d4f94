/**
 * Where the toxic tests run: a client process with a fault injector installed over its base
 * provider, and a server process without one — over real loopback TCP (real timers), over the TCP
 * provider or the in-memory provider on a SimNetwork (virtual time), or over ISO transport on a
 * SimNetwork. A world connects a client `Socket` (through the injector) to a server `Socket`.
 */

import { createOsiProvider, installOsiProviders, sockaddrTp, tpEndpointOf } from '@ws2spi/providers-osi';
import {
  createTcpProvider,
  installTcpProviders,
  TCP_PROVIDER_PATH,
  WSPStartup as tcpWSPStartup,
} from '@ws2spi/providers-tcp';
import {
  type AcceptDecision,
  type AcceptRequest,
  AF_INET,
  AF_ISO,
  type Catalog,
  type FaultInjector,
  IPPROTO_TCP,
  ISOPROTO_TP2,
  type LayerClock,
  realClock,
  registerProvider,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  type SOCKADDR,
  type SOCKADDR_IN,
  Socket,
  sockaddrIn,
  type Ws2,
} from '@ws2spi/spi';
import {
  createLayeredProcess,
  IN_MEMORY_DEFAULT_PROTOCOL,
  installInMemoryProvider,
  type LayeredProcess,
  type SimHost,
  SimNetwork,
  type SimNetworkOptions,
} from '@ws2spi/spi/testing';
import type { DependencyContainer } from 'tsyringe';

/** A connected pair: `client` goes through the injector, `server` does not. */
export interface ToxicPair {
  client: Socket;
  server: Socket;
  /** The callee data the client's `WSAConnect` got. */
  calleeData: Uint8Array;
}

/** Connect data for `connect`: the client's caller data, the server's accept condition. */
export interface ConnectOptions {
  callerData?: Uint8Array;
  condition?: (request: AcceptRequest) => AcceptDecision;
}

/** One place to run the toxic tests. */
export interface ToxicWorld {
  readonly name: string;
  /** True on virtual time: times are exact and long delays cost nothing. */
  readonly virtual: boolean;
  /** True for a message protocol (ISO transport): messages stay whole. */
  readonly messages: boolean;
  /** The clock to give the injector. */
  readonly clock: LayerClock;
  /** A duration for the tests: `ms` on virtual time, `ms / 1000` (at least 20 ms) on real time. */
  span(ms: number): number;
  /** Installs `injector` in a fresh client process; a fresh server process listens. */
  start(injector: FaultInjector): Promise<void>;
  connect(options?: ConnectOptions): Promise<ToxicPair>;
  /** The client process (with the injector). */
  readonly clientWs2: Ws2;
  /** The server's listening socket, once started. */
  readonly listener: Socket | undefined;
  /** The address clients connect to, once started. */
  readonly target: SOCKADDR | undefined;
  /** Lets pending work finish: the network goes idle (virtual) or a moment passes (real). */
  settle(): Promise<void>;
  teardown(): Promise<void>;
}

function tcpBase(catalog: Catalog, container: DependencyContainer): void {
  registerProvider(container, TCP_PROVIDER_PATH, tcpWSPStartup);
  installTcpProviders(catalog);
}

abstract class BaseWorld implements ToxicWorld {
  abstract readonly name: string;
  abstract readonly virtual: boolean;
  abstract readonly clock: LayerClock;
  readonly messages: boolean = false;
  protected client: LayeredProcess | undefined;
  protected server: LayeredProcess | undefined;
  /** The server's listening socket (once started). */
  listener: Socket | undefined;
  /** The address clients connect to. */
  target: SOCKADDR | undefined;

  span(ms: number): number {
    return this.virtual ? ms : Math.max(20, Math.round(ms / 1000));
  }

  get clientWs2(): Ws2 {
    if (!this.client) throw new Error('world not started');
    return this.client.ws2;
  }

  protected abstract makeProcesses(injector: FaultInjector): Promise<[LayeredProcess, LayeredProcess]>;
  protected abstract socketArgs(): [number, number, number];
  protected abstract listenAddress(): SOCKADDR;
  protected abstract targetOf(bound: SOCKADDR): SOCKADDR;

  async start(injector: FaultInjector): Promise<void> {
    [this.client, this.server] = await this.makeProcesses(injector);
    const [af, type, protocol] = this.socketArgs();
    this.listener = await Socket.create(this.server.ws2, af, type, protocol);
    await this.listener.bind(this.listenAddress());
    await this.listener.listen(16);
    this.target = this.targetOf(this.listener.localAddress() as SOCKADDR);
  }

  async connect(options: ConnectOptions = {}): Promise<ToxicPair> {
    const [af, type, protocol] = this.socketArgs();
    const client = await Socket.create(this.clientWs2, af, type, protocol);
    const [{ socket: server }, { calleeData }] = await Promise.all([
      (this.listener as Socket).accept(options.condition),
      client.connect(this.target as SOCKADDR, options.callerData ? { callerData: options.callerData } : {}),
    ]);
    return { client, server, calleeData };
  }

  abstract settle(): Promise<void>;

  async teardown(): Promise<void> {
    // Processes end with WSACleanup, which closes whatever the tests left open.
    await this.client?.teardown();
    await this.server?.teardown();
    this.client = this.server = undefined;
  }
}

/** Real loopback TCP, real timers. */
export class TcpLoopbackWorld extends BaseWorld {
  readonly name = 'TCP over loopback (real time)';
  readonly virtual = false;
  readonly clock = realClock;

  protected async makeProcesses(injector: FaultInjector): Promise<[LayeredProcess, LayeredProcess]> {
    return [
      await createLayeredProcess({ bases: tcpBase, layers: [{ name: 'faults', provider: injector }] }),
      await createLayeredProcess({ bases: tcpBase }),
    ];
  }
  protected socketArgs(): [number, number, number] {
    return [AF_INET, SOCK_STREAM, IPPROTO_TCP];
  }
  protected listenAddress(): SOCKADDR {
    return sockaddrIn('127.0.0.1', 0);
  }
  protected targetOf(bound: SOCKADDR): SOCKADDR {
    return sockaddrIn('127.0.0.1', (bound as SOCKADDR_IN).sin_port);
  }
  async settle(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

/** Two hosts of a SimNetwork on virtual time. */
abstract class SimWorld extends BaseWorld {
  readonly virtual = true;
  readonly network: SimNetwork;
  readonly clock: LayerClock;
  protected readonly clientHost: SimHost;
  protected readonly serverHost: SimHost;

  constructor(options: SimNetworkOptions = {}) {
    super();
    this.network = new SimNetwork({ timing: 'virtual', ...options });
    this.clock = this.network.clock;
    this.clientHost = this.network.addHost('client', { ipv4: ['10.0.0.1'] });
    this.serverHost = this.network.addHost('server', { ipv4: ['10.0.0.2'] });
  }

  protected listenAddress(): SOCKADDR {
    return sockaddrIn('10.0.0.2', 0);
  }
  protected targetOf(bound: SOCKADDR): SOCKADDR {
    return sockaddrIn('10.0.0.2', (bound as SOCKADDR_IN).sin_port);
  }
  settle(): Promise<void> {
    return this.network.idle();
  }
  override async teardown(): Promise<void> {
    await super.teardown();
    // Let the last segments (a DC answering a DR, FINs) arrive, so no provider is left waiting.
    await this.network.idle();
    this.network.close();
  }
}

/** The TCP/IP provider on a SimNetwork. */
export class TcpSimWorld extends SimWorld {
  readonly name = 'TCP over SimNetwork (virtual time)';

  protected async makeProcesses(injector: FaultInjector): Promise<[LayeredProcess, LayeredProcess]> {
    const base = (host: SimHost) => (catalog: Catalog, container: DependencyContainer) => {
      registerProvider(
        container,
        'sim-tcp',
        createTcpProvider({ streams: host.streams, datagrams: host.datagrams }).WSPStartup,
      );
      installTcpProviders(catalog, { path: 'sim-tcp' });
    };
    return [
      await createLayeredProcess({
        bases: base(this.clientHost),
        layers: [{ name: 'faults', provider: injector }],
      }),
      await createLayeredProcess({ bases: base(this.serverHost) }),
    ];
  }
  protected socketArgs(): [number, number, number] {
    return [AF_INET, SOCK_STREAM, IPPROTO_TCP];
  }
}

/** The in-memory provider on a SimNetwork. */
export class InMemorySimWorld extends SimWorld {
  readonly name = 'in-memory provider over SimNetwork (virtual time)';

  protected async makeProcesses(injector: FaultInjector): Promise<[LayeredProcess, LayeredProcess]> {
    const base = (host: string) => (catalog: Catalog, container: DependencyContainer) =>
      installInMemoryProvider(catalog, container, {
        network: this.network,
        host,
        families: [4],
        flavours: ['stream'],
      });
    return [
      await createLayeredProcess({ bases: base('client'), layers: [{ name: 'faults', provider: injector }] }),
      await createLayeredProcess({ bases: base('server') }),
    ];
  }
  protected socketArgs(): [number, number, number] {
    return [AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL];
  }
}

/** ISO transport (class 2, a message protocol with disconnect data) on a SimNetwork. */
export class OsiSimWorld extends SimWorld {
  readonly name = 'ISO transport over SimNetwork (virtual time)';
  override readonly messages = true;

  protected async makeProcesses(injector: FaultInjector): Promise<[LayeredProcess, LayeredProcess]> {
    const base = (host: SimHost) => (catalog: Catalog, container: DependencyContainer) => {
      registerProvider(container, 'sim-osi', createOsiProvider({ streams: host.streams }).WSPStartup);
      installOsiProviders(catalog, { path: 'sim-osi' });
    };
    return [
      await createLayeredProcess({
        bases: base(this.clientHost),
        layers: [{ name: 'faults', provider: injector }],
      }),
      await createLayeredProcess({ bases: base(this.serverHost) }),
    ];
  }
  protected socketArgs(): [number, number, number] {
    return [AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2];
  }
  protected override listenAddress(): SOCKADDR {
    return sockaddrTp('echo', '0.0.0.0', 0);
  }
  protected override targetOf(bound: SOCKADDR): SOCKADDR {
    const endpoint = tpEndpointOf(bound);
    if (typeof endpoint === 'string') throw new Error(`bound address: ${endpoint}`);
    return sockaddrTp('echo', '10.0.0.2', endpoint.port);
  }
}

/** Everything `socket.recv` returns until the end of the stream or an error, with when each piece came. */
export async function readAll(
  socket: Socket,
  clock: LayerClock,
  maxBytes = 65536,
): Promise<{ chunks: { bytes: number; at: number }[]; data: Uint8Array; error?: number }> {
  const chunks: { bytes: number; at: number }[] = [];
  const parts: Uint8Array[] = [];
  for (;;) {
    try {
      const chunk = await socket.recv(maxBytes);
      if (chunk.byteLength === 0) break;
      chunks.push({ bytes: chunk.byteLength, at: clock.now() });
      parts.push(chunk.slice());
    } catch (error) {
      return { chunks, data: concat(parts), error: (error as { code: number }).code };
    }
  }
  return { chunks, data: concat(parts) };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** `n` bytes counting up from `start` (mod 256). */
export function pattern(n: number, start = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);
}
