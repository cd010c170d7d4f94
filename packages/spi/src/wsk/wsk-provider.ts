/**
 * A WSK provider: the transports it serves and the provider NPI it offers. On Windows the WSK
 * subsystem serves every kernel transport; here a provider is configured with transport drivers
 * (`createWskProvider({ transports: [...tcpWskTransports(network), ...osiWskTransports(options)] })`)
 * and attached to a `WskSubsystem`, where clients register and capture it.
 *
 * It implements WSK version 1.0 (`MAKE_WSK_VERSION(1, 0)`, the Vista interface and its socket
 * categories basic, listen, connection and datagram); its tables also carry the later members
 * (`WskConnectEx`, `WskSendEx`, `WskReceiveEx`, `WskSendMessages`) in Windows' order.
 * @module
 */

import { MAKE_WSK_VERSION } from './wsk-constants';
import { providerDispatch, type WSK_PROVIDER_DISPATCH } from './wsk-provider-dispatch';
import { transportEntry, type WskTransport, type WskTransportEntry } from './wsk-transport';

/** `WSK_PROVIDER_CHARACTERISTICS`: the versions a provider supports. */
export interface WSK_PROVIDER_CHARACTERISTICS {
  /** The highest WSK version supported (`MAKE_WSK_VERSION`). */
  HighestVersion: number;
  /** The lowest WSK version supported. */
  LowestVersion: number;
}

/** The WSK version this provider implements. */
export const WSK_PROVIDER_VERSION = MAKE_WSK_VERSION(1, 0);

/** How a WSK provider is set up. */
export interface WskProviderOptions {
  /** The transports it serves, looked up by address family, socket type and protocol. */
  transports: readonly WskTransport[];
  /** Default `SO_RCVBUF` of its sockets: received bytes WSK holds before pausing the transport. Default 64 KiB. */
  receiveBufferSize?: number;
  /** Connections a listening socket keeps waiting for `WskAccept`. Default 200. */
  listenBacklog?: number;
  /**
   * How long `WskCloseSocket` waits for the transport to let go of a socket (a connection reset or
   * closed, a driver call answered) before it completes anyway, in ms. Default 5000. Windows does
   * not wait on the network to close a socket; WSK here waits so that a completed close has freed
   * what the transport held, but never longer than this.
   */
  closeTimeoutMs?: number;
}

/** A WSK provider. */
export class WskProvider {
  /** The transports it serves, in lookup order. */
  readonly transports: readonly WskTransportEntry[];
  /** Default `SO_RCVBUF` of its sockets. */
  readonly receiveBufferSize: number;
  /** Connections a listening socket holds before the client takes them. */
  readonly listenBacklog: number;
  /** The longest `WskCloseSocket` waits for the transport (`WskProviderOptions.closeTimeoutMs`). */
  readonly closeTimeoutMs: number;
  /** The versions it supports (what `WskQueryProviderCharacteristics` reports). */
  readonly characteristics: Readonly<WSK_PROVIDER_CHARACTERISTICS> = Object.freeze({
    HighestVersion: WSK_PROVIDER_VERSION,
    LowestVersion: WSK_PROVIDER_VERSION,
  });
  /** The provider-level table a captured NPI hands out (`WSK_PROVIDER_NPI.Dispatch`). */
  readonly Dispatch: WSK_PROVIDER_DISPATCH;

  constructor(options: WskProviderOptions) {
    if (!options || !Array.isArray(options.transports))
      throw new TypeError('createWskProvider: transports must be an array');
    this.transports = Object.freeze(options.transports.map(transportEntry));
    this.receiveBufferSize = positiveInteger(options.receiveBufferSize, 64 * 1024, 'receiveBufferSize');
    this.listenBacklog = positiveInteger(options.listenBacklog, 200, 'listenBacklog');
    this.closeTimeoutMs = positiveInteger(options.closeTimeoutMs, 5000, 'closeTimeoutMs');
    this.Dispatch = providerDispatch(this, WSK_PROVIDER_VERSION);
  }

  /** The transport of a triple; protocol 0 takes the first of the family and type. */
  findTransport(addressFamily: number, socketType: number, protocol: number): WskTransportEntry | undefined {
    return this.transports.find(
      (t) =>
        t.AddressFamily === addressFamily &&
        t.SocketType === socketType &&
        (protocol === 0 || t.Protocol === protocol),
    );
  }

  /** Whether a client of `version` can use this provider. */
  supports(version: number): boolean {
    return (
      Number.isInteger(version) &&
      version >= this.characteristics.LowestVersion &&
      version <= this.characteristics.HighestVersion
    );
  }

  /** Releases what the drivers hold (their `dispose`), once no client uses the provider. */
  dispose(): void {
    for (const t of this.transports) t.driver.dispose?.();
  }
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0)
    throw new RangeError(`createWskProvider: ${name} must be a positive integer`);
  return value;
}

/**
 * Makes a WSK provider over `options.transports`.
 * @throws TypeError / RangeError for a malformed configuration (a programming error, not a WSK call).
 */
export function createWskProvider(options: WskProviderOptions): WskProvider {
  return new WskProvider(options);
}
