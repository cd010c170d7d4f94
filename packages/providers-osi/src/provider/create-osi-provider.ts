/**
 * The OSI provider over any `StreamNetwork`: real TCP (`nodeStreamNetwork()`) or a SimNetwork
 * host's `streams`. The same provider code runs over both; only the transport differs.
 * @module
 */

import {
  AF_ISO,
  type BaseProvider,
  defineBaseProvider,
  ISOPROTO_TP0,
  ISOPROTO_TP2,
  SOCK_SEQPACKET,
  type StreamNetwork,
  type TransportDriver,
  WSAEPROTONOSUPPORT,
  WSAESOCKTNOSUPPORT,
  type WSAPROTOCOL_INFOW,
  WsaError,
} from '@ws2spi/spi';
import type { CotpClass } from '../cotp/cotp-negotiation';
import { CotpReferenceAllocator } from '../cotp/cotp-reference-allocator';
import { type CotpTimers, createRealTimers } from '../cotp/cotp-timers';
import { MAX_TPDU_SIZE, MIN_TPDU_SIZE } from '../cotp/tpdu-codes';
import type { CotpLinkSettings } from './cotp-link';
import { osiStreamDriver } from './osi-stream-driver';

/** `WSPDATA.szDescription` of the provider. */
export const OSI_PROVIDER_DESCRIPTION =
  'ws2spi ISO transport over TCP: RFC 2126 class 2 and RFC 1006 class 0';

/** Defaults of `OsiProviderOptions`. */
export const OSI_PROVIDER_DEFAULTS = {
  /** Largest TPDU proposed and accepted: 8192 octets (2048 on TP0, whose CR carries no `F0`). */
  maxTpduSize: 8192,
  /** How long a connect waits for the CC: 30 s, then `WSAETIMEDOUT`. */
  connectTimeoutMs: 30_000,
  /** How long a class-2 release waits for the DC: 10 s, then a TCP reset. */
  disconnectTimeoutMs: 10_000,
  /** How long an accepted TCP connection may take to send its CR: 30 s, then a reset. */
  incomingTimeoutMs: 30_000,
  /** The rest of a TPDU whose first octets arrived (classes 0 and 2 have no inactivity timer). */
  reassemblyTimeoutMs: 30_000,
} as const;

/** What an OSI provider runs over, and its local choices. */
export interface OsiProviderOptions {
  /** Carries the TCP connections (ITOT is ISO transport over TCP). */
  streams: StreamNetwork;
  /** Largest TPDU this end proposes and accepts, 128…65531 (default 8192). */
  maxTpduSize?: number;
  /** How long a connect waits for the CC before `WSAETIMEDOUT` (default 30 s). */
  connectTimeoutMs?: number;
  /**
   * How long a class-2 release waits for the DC before it gives up (`WSAECONNABORTED`, TCP reset),
   * and how long a released connection's TCP may take to close before it is reset (default 10 s).
   */
  disconnectTimeoutMs?: number;
  /** How long an accepted TCP connection may stay silent before its CR; then it is dropped (default 30 s). */
  incomingTimeoutMs?: number;
  /**
   * How long a TPDU whose first octets arrived may wait for another one; then the connection is
   * dropped and the socket reports `WSAETIMEDOUT` (default 30 s). Classes 0 and 2 have no
   * inactivity timer of their own; see `CotpConnectionOptions.reassemblyTimeoutMs`.
   */
  reassemblyTimeoutMs?: number;
  /** The timers of the CC, DC, CR and close timeouts (default Node's). */
  timers?: CotpTimers;
}

function classOf(info: WSAPROTOCOL_INFOW): CotpClass {
  if (info.iAddressFamily !== AF_ISO || info.iSocketType !== SOCK_SEQPACKET) {
    throw new WsaError(
      WSAESOCKTNOSUPPORT,
      `${info.szProtocol}: the OSI provider serves AF_ISO SOCK_SEQPACKET only`,
    );
  }
  if (info.iProtocol === ISOPROTO_TP2) return 2;
  if (info.iProtocol === ISOPROTO_TP0) return 0;
  throw new WsaError(
    WSAEPROTONOSUPPORT,
    `${info.szProtocol}: the OSI provider runs ISOPROTO_TP2 and ISOPROTO_TP0 only`,
  );
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of ms`);
  return value;
}

/**
 * Makes an OSI provider (`WSPStartup`, the entry point a catalog path needs) over `options.streams`.
 * Nothing is created until `WSPStartup` runs; each `Ws2` process then gets its own provider state,
 * and each of the entries (`osiProtocolInfos`: TP2 and TP0) its own driver, reference allocator and
 * TCP ports.
 *
 * @example Serve the entries from a simulated host:
 * ```ts
 * const host = new SimNetwork().addHost('server', { ipv4: ['10.0.0.2'] });
 * registerProvider(container, 'sim-osi', createOsiProvider({ streams: host.streams }).WSPStartup);
 * installOsiProviders(catalog, { path: 'sim-osi' });
 * ```
 * @throws RangeError for a `maxTpduSize` outside 128…65531 or a timeout that is not positive.
 */
export function createOsiProvider(options: OsiProviderOptions): BaseProvider {
  const settingsFor = osiLinkSettings(options);
  return defineBaseProvider({
    description: OSI_PROVIDER_DESCRIPTION,
    handles: 'non-ifs',
    createDriver: (info: WSAPROTOCOL_INFOW): TransportDriver =>
      osiStreamDriver(options.streams, settingsFor(classOf(info))),
  });
}

/**
 * The link settings of `options` (defaults filled in, checked), per transport class: what each
 * driver of the provider runs with, and what `osiWskTransports` gives WSK's. Each call of the
 * returned function gets its own reference allocator and, unless `options.timers` is set, timers.
 * @throws RangeError for a `maxTpduSize` outside 128…65531 or a timeout that is not positive.
 */
export function osiLinkSettings(options: OsiProviderOptions): (protocolClass: CotpClass) => CotpLinkSettings {
  const maxTpduSize = options.maxTpduSize ?? OSI_PROVIDER_DEFAULTS.maxTpduSize;
  if (!Number.isInteger(maxTpduSize) || maxTpduSize < MIN_TPDU_SIZE || maxTpduSize > MAX_TPDU_SIZE) {
    throw new RangeError(`maxTpduSize ${maxTpduSize} is outside ${MIN_TPDU_SIZE}…${MAX_TPDU_SIZE}`);
  }
  const connectTimeoutMs = positive(
    'connectTimeoutMs',
    options.connectTimeoutMs ?? OSI_PROVIDER_DEFAULTS.connectTimeoutMs,
  );
  const disconnectTimeoutMs = positive(
    'disconnectTimeoutMs',
    options.disconnectTimeoutMs ?? OSI_PROVIDER_DEFAULTS.disconnectTimeoutMs,
  );
  const incomingTimeoutMs = positive(
    'incomingTimeoutMs',
    options.incomingTimeoutMs ?? OSI_PROVIDER_DEFAULTS.incomingTimeoutMs,
  );
  const reassemblyTimeoutMs = positive(
    'reassemblyTimeoutMs',
    options.reassemblyTimeoutMs ?? OSI_PROVIDER_DEFAULTS.reassemblyTimeoutMs,
  );
  return (protocolClass) => ({
    protocolClass,
    timers: options.timers ?? createRealTimers(),
    references: new CotpReferenceAllocator(),
    maxTpduSize,
    connectTimeoutMs,
    disconnectTimeoutMs,
    incomingTimeoutMs,
    reassemblyTimeoutMs,
  });
}
