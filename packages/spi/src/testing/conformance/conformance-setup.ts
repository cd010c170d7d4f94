/**
 * The contract between the provider conformance suite and a provider that runs it: how the suite
 * gets a fresh environment per test, and what it must know before any test runs.
 * @module
 */

import type { Ws2 } from '../../dispatcher/ws2';
import type { WSAPROTOCOL_INFOW } from '../../types/protocol-info';
import type { SOCKADDR } from '../../types/sockaddr';

/** The `WSASocketW(af, type, protocol, lpProtocolInfo, 0, WSA_FLAG_OVERLAPPED)` arguments that open a socket of the provider under test. */
export interface ConformanceSocketArgs {
  /** The address family. */
  af: number;
  /** The socket type. */
  type: number;
  /** The protocol. */
  protocol: number;
  /**
   * Selects the catalog entry by `dwCatalogEntryId` (`WSASocketW`'s `lpProtocolInfo`) when the
   * triple alone would pick another provider (e.g. one installed earlier in the catalog).
   */
  protocolInfo?: WSAPROTOCOL_INFOW | null;
}

/** Where sockets of the provider under test bind and connect. */
export interface ConformanceAddresses {
  /**
   * The address a server socket binds. Port 0 (an ephemeral port) is allowed: the suite reads the
   * real address back with `getsockname`. May be a wildcard (`0.0.0.0:0`).
   */
  serverBind(): SOCKADDR;
  /**
   * The address a client in `env.client` uses to reach a server socket whose `getsockname` is
   * `bound` — for instance `0.0.0.0:4711` → `127.0.0.1:4711`, or a SimNetwork host's address.
   */
  serverForClient(bound: SOCKADDR): SOCKADDR;
  /**
   * The address a client socket binds when the suite binds it explicitly (datagram tests). It must
   * be a concrete address of the client's host (not a wildcard), so that the source address a
   * server sees in `recvfrom` equals the client's `getsockname`. Port 0 is allowed.
   */
  clientBind(): SOCKADDR;
}

/**
 * One test's environment, made fresh by `ConformanceSetup.setup()` for every test and handed back
 * to `ConformanceSetup.teardown()` afterwards.
 */
export interface ConformanceEnv {
  /** The client's process: started (`WSAStartup` done), with the provider's entry in its catalog. */
  client: Ws2;
  /** The server's process, started. May be the same object as `client` (one process, two sockets). */
  server: Ws2;
  /** How both processes open a socket of the provider under test. */
  socket: ConformanceSocketArgs;
  /** Addresses on the network the provider runs over. */
  addresses: ConformanceAddresses;
  /**
   * Optional: resolves once the network has delivered everything in flight (a SimNetwork's
   * `idle()`). Omitted for real networks; the suite never depends on it for correctness, it only
   * uses it to let deliveries happen before it yields to a pending call.
   */
  settle?(): Promise<void>;
}

/** `XP1_*` capabilities that a provider may declare but a particular transport cannot deliver. */
export type OptionalServiceFlagName = 'XP1_CONNECT_DATA' | 'XP1_DISCONNECT_DATA' | 'XP1_EXPEDITED_DATA';

/**
 * What a setup may declare unavailable: an optional `XP1_*` capability; `SO_CONDITIONAL_ACCEPT` —
 * holding a caller until `WSAAccept`'s condition has answered, which a transport that completes
 * the handshake before the application sees the connection (Node's `net`) cannot do; or
 * `'half-close'` — a protocol whose graceful close ends both directions at once (ISO 8073's
 * T-DISCONNECT), so neither side sends after one side's `WSASendDisconnect`. `XP1_GRACEFUL_CLOSE`
 * promises an orderly release, not a half-close, hence the separate declaration; or
 * `'reset-after-peer-close'` — noticing a reset that arrives after the peer's graceful close (a
 * send to a closed peer provokes one), which a transport that stops reading at the peer's FIN only
 * learns at the next send unless it checks (the TCP provider's links do, with an empty write).
 */
export type UnavailableCapability =
  | OptionalServiceFlagName
  | 'SO_CONDITIONAL_ACCEPT'
  | 'half-close'
  | 'reset-after-peer-close';

/**
 * What a provider gives `describeProviderConformance`, modelled on libp2p's `TestSetup`: a factory
 * for a fresh environment per test, and the provider's service flags, known synchronously because
 * jest collects (and skips) tests before running any of them.
 *
 * @example
 * describeProviderConformance('in-memory stream', {
 *   serviceFlags: XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | XP1_GRACEFUL_CLOSE,
 *   async setup() { … return { client, server, socket: { af, type, protocol }, addresses }; },
 *   async teardown(env) { env.client.WSACleanup(); … },
 * });
 */
export interface ConformanceSetup<E extends ConformanceEnv = ConformanceEnv> {
  /**
   * The `dwServiceFlags1` of the catalog entry under test (`XP1_*`). The suite decides from them
   * which tests apply, and its first test checks that `SO_PROTOCOL_INFOW` and `WSAEnumProtocolsW`
   * report exactly these flags, so a wrong declaration cannot silently skip tests.
   */
  serviceFlags: number;
  /** A fresh, started environment for one test (it may carry more, e.g. the network, for `teardown`). */
  setup(): Promise<E>;
  /**
   * Releases what `setup` made (`WSACleanup` on the processes, networks, servers). The suite has
   * already closed every socket and event it opened.
   */
  teardown(env: E): Promise<void>;
  /**
   * Capabilities the provider declares but cannot deliver here, each with the reason (e.g. Node's
   * `net` has no TCP urgent data: `{ XP1_EXPEDITED_DATA: 'Node net has no urgent data' }`). Their
   * positive tests are skipped with that reason and the refusal tests (`WSAEOPNOTSUPP`,
   * `WSAENOPROTOOPT`, `WSAEPROTONOSUPPORT`) run instead. `SO_CONDITIONAL_ACCEPT` unavailable skips
   * the "caller refused with `WSAECONNREFUSED`" test; the "connection reset after `CF_REJECT`"
   * behaviour (Windows without the option) is tested as for every provider without connect data.
   * `'half-close'` unavailable skips the tests that send after the peer's graceful close and runs
   * "the close ends both directions" tests instead.
   */
  unavailable?: Partial<Record<UnavailableCapability, string>>;
  /** Upper bound, in ms, on every single wait of the suite (default 5000). Not a performance target. */
  waitTimeoutMs?: number;
  /** Jest timeout of each test, in ms (default 30000). */
  testTimeoutMs?: number;
  /** Bytes of the large stream transfers (default 1 MiB). */
  largeTransferBytes?: number;
  /** Messages of the large message-oriented transfers (default 100). */
  messageCount?: number;
  /** Datagrams queued at once in the datagram boundary test (default 50; keep the batch under the receive buffer). */
  datagramCount?: number;
}
