// examples/test/guide/base-provider/framed-provider.ts — the provider of the base-provider guide:
// messages over TCP, each in a frame, and a goodbye frame that carries disconnect data.
//
//   DATA frame: 0x01, length (4 octets, big-endian), one whole message
//   BYE frame:  0x02, length (1 octet, at most 64), the disconnect data — then the TCP FIN
import {
  AF_INET,
  type BindOptions,
  type ConnectOutcome,
  type ConnectRequest,
  defineBaseProvider,
  defineProtocolInfo,
  type IncomingConnection,
  ipAddressCodec,
  ipEndpointOf,
  ipSockaddr,
  type LinkHandlers,
  type ListenerHandle,
  type LocalBinding,
  nodeStreamNetwork,
  SOCK_SEQPACKET,
  type SOCKADDR,
  type StreamConnection,
  type StreamNetwork,
  type StreamTransportDriver,
  type TransportLink,
  WSAECONNABORTED,
  WSAECONNRESET,
  WSAEINVAL,
  WsaError,
  wsaErrorFromFailure,
  XP1_DISCONNECT_DATA,
  XP1_GRACEFUL_CLOSE,
  XP1_GUARANTEED_DELIVERY,
  XP1_GUARANTEED_ORDER,
  XP1_MESSAGE_ORIENTED,
} from '@ws2spi/spi';

const DATA = 0x01;
const BYE = 0x02;
/** The largest message (`dwMessageSize`): the kit refuses larger sends with `WSAEMSGSIZE`. */
export const FRAMED_MAX_MESSAGE = 1 << 20;
/** The most disconnect data a BYE frame carries; the kit refuses more with `WSAEMSGSIZE`. */
export const FRAMED_MAX_DISCONNECT_DATA = 64;
/** The protocol number applications ask for: 253 is set aside for experiments (RFC 3692). */
export const IPPROTO_FRAMED = 253;
/** The provider's GUID: the unit the catalog installs and removes. */
export const FRAMED_PROVIDER_ID = '3b5d7f1e-2c4a-4e6b-8d0f-1a2b3c4d5e6f';

// ── 1. The catalog entry: what the protocol can do, in XP1_* flags ──────────────────────────────
/** The one catalog entry: AF_INET, SOCK_SEQPACKET, boundaries kept, disconnect data carried. */
export function framedProtocolInfo() {
  return defineProtocolInfo({
    szProtocol: 'Framed messages over TCP [with goodbye data]',
    iAddressFamily: AF_INET,
    iSocketType: SOCK_SEQPACKET,
    iProtocol: IPPROTO_FRAMED,
    dwServiceFlags1:
      XP1_MESSAGE_ORIENTED |
      XP1_GUARANTEED_DELIVERY |
      XP1_GUARANTEED_ORDER |
      XP1_GRACEFUL_CLOSE |
      XP1_DISCONNECT_DATA,
    dwMessageSize: FRAMED_MAX_MESSAGE,
    ProviderId: FRAMED_PROVIDER_ID,
  });
}

// ── 2. One connection: frames out, frames in ────────────────────────────────────────────────────
/** A connection as the kit sees it (`TransportLink`): whole messages in and out, and a goodbye. */
class FramedLink implements TransportLink {
  readonly local: SOCKADDR;
  readonly remote: SOCKADDR;
  private input = new Uint8Array(0);
  private goodbye: Uint8Array | null = null;
  private parts: Uint8Array[] = [];
  private closed = false;

  constructor(private readonly connection: StreamConnection) {
    this.local = ipSockaddr(connection.local.address, connection.local.port, 4);
    this.remote = ipSockaddr(connection.remote.address, connection.remote.port, 4);
  }

  setHandlers(handlers: LinkHandlers): void {
    this.connection.setHandlers({
      onData: (bytes) => this.receive(bytes, handlers),
      // The FIN: after a BYE it carries the BYE's data; without one, none.
      onEnd: () => handlers.onPeerClose(this.goodbye),
      onReset: () => handlers.onReset(WSAECONNRESET),
      onDrain: () => handlers.onDrain(),
      onClose: () => handlers.onClosed(),
    });
  }

  /** Frames arrive in pieces: keep what is incomplete, deliver every whole DATA frame. */
  private receive(bytes: Uint8Array, handlers: LinkHandlers): void {
    const input = new Uint8Array(this.input.byteLength + bytes.byteLength);
    input.set(this.input);
    input.set(bytes, this.input.byteLength);
    let at = 0;
    for (;;) {
      const type = input[at];
      const header = type === DATA ? 5 : 2;
      if (input.byteLength - at < header) break;
      const length =
        type === DATA
          ? new DataView(input.buffer, input.byteOffset + at + 1, 4).getUint32(0)
          : input[at + 1]!;
      const tooLong = type === DATA ? length > FRAMED_MAX_MESSAGE : length > FRAMED_MAX_DISCONNECT_DATA;
      if ((type !== DATA && type !== BYE) || tooLong || this.goodbye) {
        // Not this protocol (or data after the goodbye): end the connection, bounded.
        this.connection.reset();
        handlers.onReset(WSAECONNABORTED);
        return;
      }
      if (input.byteLength - at < header + length) break;
      const payload = input.slice(at + header, at + header + length);
      at += header + length;
      if (type === DATA) handlers.onData(payload, true);
      else this.goodbye = payload;
    }
    this.input = input.slice(at);
  }

  /** One message, possibly in parts (`endOfMessage` on the last): one DATA frame. */
  send(data: Uint8Array, endOfMessage: boolean): boolean {
    this.parts.push(data.slice()); // the kit may reuse its buffer once send returns
    if (!endOfMessage) return true;
    const length = this.parts.reduce((n, part) => n + part.byteLength, 0);
    const frame = new Uint8Array(5 + length);
    frame[0] = DATA;
    new DataView(frame.buffer).setUint32(1, length);
    let at = 5;
    for (const part of this.parts) {
      frame.set(part, at);
      at += part.byteLength;
    }
    this.parts = [];
    return this.write(frame);
  }

  /** `WSPSendDisconnect` (and a graceful close): the BYE with its data, then the FIN. Once. */
  close(disconnectData: Uint8Array | null): void {
    if (this.closed) return;
    this.closed = true;
    const data = disconnectData ?? new Uint8Array(0);
    const frame = new Uint8Array(2 + data.byteLength);
    frame[0] = BYE;
    frame[1] = data.byteLength;
    frame.set(data, 2);
    this.write(frame);
    this.connection.end();
  }

  reset(): void {
    this.connection.reset();
  }

  pause(): void {
    this.connection.pause();
  }

  resume(): void {
    this.connection.resume();
  }

  private write(frame: Uint8Array): boolean {
    try {
      return this.connection.write(frame);
    } catch (error) {
      throw wsaErrorFromFailure(error); // a NetworkError, as the Winsock error it means
    }
  }
}

// ── 3. Addresses: bind, listen, connect ─────────────────────────────────────────────────────────
/**
 * A bound address. The networks have no "bound but not listening" TCP socket, so the binding
 * listens at once (which also tells it the ephemeral port) and resets whatever arrives before
 * `listen` hands it a taker.
 */
class FramedBinding implements LocalBinding {
  readonly local: SOCKADDR;
  taker: ((incoming: IncomingConnection) => void) | null = null;

  constructor(readonly listener: { local: { address: string; port: number }; close(): void }) {
    this.local = ipSockaddr(listener.local.address, listener.local.port, 4);
  }

  offer(connection: StreamConnection): void {
    if (!this.taker) {
      connection.reset();
      return;
    }
    const remote = ipSockaddr(connection.remote.address, connection.remote.port, 4);
    this.taker({
      remote,
      local: this.local,
      callerData: null,
      accept: () => new FramedLink(connection),
      refuse: () => connection.reset(),
    });
  }

  release(): void {
    this.listener.close();
  }
}

/** The driver of the entry: the kit calls it for addresses and connections, nothing else. */
export function framedDriver(streams: StreamNetwork): StreamTransportDriver {
  const codec = ipAddressCodec(4); // SOCKADDR_IN checks and text forms, as TCP/IP's
  const endpoint = (address: SOCKADDR) => {
    const parts = ipEndpointOf(address, 4);
    if (!parts) throw new WsaError(WSAEINVAL, 'not an IPv4 address');
    return parts;
  };
  return {
    ...codec,
    kind: 'stream',
    resetOnDataAfterReceiveShutdown: false,
    supportsExpedited: false,
    maxDisconnectData: FRAMED_MAX_DISCONNECT_DATA,

    async bind(address: SOCKADDR, _options: BindOptions): Promise<LocalBinding> {
      const { address: host, port } = endpoint(address);
      let binding: FramedBinding | undefined;
      try {
        const listener = await streams.listen({ host, port, family: 4, backlog: 128 }, (connection) =>
          binding ? binding.offer(connection) : connection.reset(),
        );
        binding = new FramedBinding(listener);
        return binding;
      } catch (error) {
        throw wsaErrorFromFailure(error); // EADDRINUSE → WSAEADDRINUSE …
      }
    },

    async listen(binding, _backlog, onIncoming): Promise<ListenerHandle> {
      const bound = binding as FramedBinding;
      bound.taker = onIncoming;
      return { local: bound.local, close: () => bound.release() };
    },

    async connect(request: ConnectRequest): Promise<ConnectOutcome> {
      const { address: host, port } = endpoint(request.remote);
      // A bound socket connects from its address: the listener lets the port go first.
      const source = request.binding ? endpoint(request.binding.local) : undefined;
      request.binding?.release();
      try {
        const connection = await streams.connect({
          host,
          port,
          family: 4,
          ...(source ? { localAddress: source.address, localPort: source.port } : {}),
        });
        return { link: new FramedLink(connection), calleeData: null };
      } catch (error) {
        throw wsaErrorFromFailure(error); // ECONNREFUSED → WSAECONNREFUSED …
      }
    },
  };
}

// ── 4. The provider: the kit does every Winsock semantic over the driver ─────────────────────────
/** The provider over `streams` (default: Node's `net`), for `registerProvider`. */
export function createFramedProvider(streams: StreamNetwork = nodeStreamNetwork()) {
  return defineBaseProvider({
    description: 'Framed messages over TCP',
    handles: 'non-ifs', // the entry has no XP1_IFS_HANDLES: handles come from WPUCreateSocketHandle
    createDriver: () => framedDriver(streams),
  });
}

/** What a module named as a catalog path exports: `WSPStartup`. */
export const { WSPStartup } = createFramedProvider();
