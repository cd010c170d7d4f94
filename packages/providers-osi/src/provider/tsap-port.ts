/**
 * A TCP port as an ISO transport entity sees it (RFC 2126: one port, 102 by default, serves many
 * TSAPs; the CR's called TSAP says which). A `TsapPort` is one TCP listener shared by every socket of
 * a driver bound to the same IP address and port, each with its own TSAP selector (`TsapBinding`):
 *
 * - A socket that binds holds its selector at once (a second bind of it is `WSAEADDRINUSE`); a CR
 *   for a selector that is bound but not listening, or not bound at all, is refused with DR reason
 *   0x02, "session entity not attached to TSAP" — the ISO answer where TCP would send an RST.
 * - `listen` starts handing the CRs for its selector to the kit; the listener stays the same.
 * - The TCP listener closes with its last binding.
 * @module
 */

import {
  type IncomingConnection,
  LISTENER_KERNEL_BACKLOG,
  type ListenerHandle,
  type LocalBinding,
  type SOCKADDR,
  type StreamConnection,
  type StreamListener,
  type StreamNetwork,
  WSAEADDRINUSE,
  WsaError,
  wsaErrorFromFailure,
} from '@ws2spi/spi';
import type { CotpConnectIndication } from '../cotp/cotp-connection-types';
import { CotpLink, type CotpLinkSettings } from './cotp-link';
import { sockaddrTp, type TpEndpoint } from './sockaddr-tp';

/** A TSAP selector as a map key. */
function tselKey(tsel: Uint8Array | undefined): string {
  return tsel ? Buffer.from(tsel).toString('hex') : '';
}

/** What a port needs from its driver. */
export interface TsapPortContext {
  streams: StreamNetwork;
  settings: CotpLinkSettings;
  /** Links not yet handed to the kit (or refused), so that the driver can abort them at cleanup. */
  track(link: CotpLink): void;
  untrack(link: CotpLink): void;
  /** The port has no bindings left and closed its listener. */
  closed(port: TsapPort): void;
}

/** A TSAP selector bound on a `TsapPort`: the kit's `LocalBinding`, then its listener. */
export class TsapBinding implements LocalBinding {
  readonly local: SOCKADDR;
  private state: 'bound' | 'listening' | 'released' = 'bound';
  private onIncoming: ((incoming: IncomingConnection) => void) | null = null;

  constructor(
    private readonly port: TsapPort,
    /** The selector and the port's endpoint. */
    readonly endpoint: TpEndpoint,
  ) {
    this.local = sockaddrTp(endpoint.tsel, endpoint.address, endpoint.port);
  }

  /** True until released. */
  get live(): boolean {
    return this.state !== 'released';
  }

  /** True while the kit takes this selector's connections. */
  get listening(): boolean {
    return this.state === 'listening';
  }

  /** Start handing this selector's connection requests to `onIncoming`. */
  listen(onIncoming: (incoming: IncomingConnection) => void): ListenerHandle {
    if (this.state === 'released') throw new TypeError('TsapBinding: the binding was released');
    this.onIncoming = onIncoming;
    this.state = 'listening';
    return { local: this.local, close: () => this.release() };
  }

  /** A CR for this selector, already indicated by the state machine. */
  deliver(incoming: IncomingConnection): void {
    if (this.state === 'listening' && this.onIncoming) this.onIncoming(incoming);
    else incoming.refuse(0);
  }

  /** Gives the selector back (and the port, with its last selector). Idempotent. */
  release(): void {
    if (this.state === 'released') return;
    this.state = 'released';
    this.onIncoming = null;
    this.port.remove(this);
  }
}

/** A connection request that reached a listening selector, before `WSPAccept`. */
class TsapIncomingConnection implements IncomingConnection {
  constructor(
    private readonly link: CotpLink,
    readonly remote: SOCKADDR,
    readonly local: SOCKADDR,
    readonly callerData: Uint8Array | null,
    private readonly handedOver: (link: CotpLink) => void,
  ) {}

  /** The CC with `calleeData`; the link reports whatever happened meanwhile (the caller's DR, a reset) once wired. */
  accept(calleeData: Uint8Array | null): CotpLink {
    this.link.acceptIncoming(calleeData);
    this.handedOver(this.link);
    return this.link;
  }

  /** The DR refusing the CR (`CF_REJECT`, a full backlog, a closed listener); the caller's connect fails `WSAECONNREFUSED`. */
  refuse(_reason: number): void {
    this.link.refuseIncoming();
  }
}

/** One TCP listener and the selectors bound on it. */
export class TsapPort {
  private readonly bindings = new Map<string, TsapBinding>();
  private listener: StreamListener | null = null;

  private constructor(
    private readonly context: TsapPortContext,
    /** The port's IP endpoint, with the real port number. */
    readonly address: string,
    readonly family: 4 | 6,
    public port: number,
  ) {}

  /** Opens the TCP listener on `address`:`port` (0: ephemeral). Rejects with a `WsaError` (`WSAEADDRINUSE` …). */
  static async open(
    context: TsapPortContext,
    address: string,
    family: 4 | 6,
    port: number,
  ): Promise<TsapPort> {
    const tsapPort = new TsapPort(context, address, family, port);
    try {
      tsapPort.listener = await context.streams.listen(
        { host: address, port, family, backlog: LISTENER_KERNEL_BACKLOG },
        (connection) => tsapPort.arrived(connection),
      );
    } catch (error) {
      throw wsaErrorFromFailure(error);
    }
    tsapPort.port = tsapPort.listener.local.port;
    return tsapPort;
  }

  /** True while the listener is open. */
  get open(): boolean {
    return this.listener !== null;
  }

  /** Binds `tsel` here; `WSAEADDRINUSE` when a socket of this driver holds it already. */
  bind(tsel: Uint8Array): TsapBinding {
    const key = tselKey(tsel);
    if (this.bindings.has(key)) {
      throw new WsaError(
        WSAEADDRINUSE,
        `TSAP selector '${key}' is already bound at ${this.address}:${this.port}`,
      );
    }
    const binding = new TsapBinding(this, {
      tsel: tsel.slice(),
      address: this.address,
      family: this.family,
      port: this.port,
    });
    this.bindings.set(key, binding);
    return binding;
  }

  /** Called by a binding that was released. */
  remove(binding: TsapBinding): void {
    const key = tselKey(binding.endpoint.tsel);
    if (this.bindings.get(key) === binding) this.bindings.delete(key);
    if (this.bindings.size === 0) this.close();
  }

  /** Closes the listener and releases every binding. Idempotent. */
  close(): void {
    const listener = this.listener;
    this.listener = null;
    if (!listener) return;
    for (const binding of [...this.bindings.values()]) binding.release();
    this.bindings.clear();
    listener.close();
    this.context.closed(this);
  }

  private listeningBinding(calledTsap: Uint8Array | undefined): TsapBinding | undefined {
    const binding = this.bindings.get(tselKey(calledTsap));
    return binding?.listening ? binding : undefined;
  }

  private arrived(connection: StreamConnection): void {
    const { context } = this;
    const link = CotpLink.respond(
      connection,
      context.settings,
      (calledTsap) => this.listeningBinding(calledTsap) !== undefined,
      (indicated, indication) => this.indicated(indicated, indication, connection),
      (finished) => context.untrack(finished),
    );
    context.track(link);
  }

  private indicated(link: CotpLink, indication: CotpConnectIndication, connection: StreamConnection): void {
    const binding = this.listeningBinding(indication.calledTsap);
    const local = sockaddrTp(
      indication.calledTsap ?? new Uint8Array(0),
      connection.local.address,
      connection.local.port,
    );
    const remote = sockaddrTp(
      indication.callingTsap ?? new Uint8Array(0),
      connection.remote.address,
      connection.remote.port,
    );
    link.nameConnection(local, remote);
    const incoming = new TsapIncomingConnection(
      link,
      remote,
      local,
      indication.callerData.byteLength > 0 ? indication.callerData.slice() : null,
      (handed) => this.context.untrack(handed),
    );
    if (binding) binding.deliver(incoming);
    else incoming.refuse(0);
  }
}
