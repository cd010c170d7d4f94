/**
 * The byte-stream and datagram networks a base provider runs over. A provider is written once
 * against these interfaces and runs over real sockets (`nodeStreamNetwork()`, Node's `net` and
 * `dgram`) or over the deterministic `SimNetwork` of `@ws2spi/spi/testing`, unchanged.
 *
 * The contract is TCP's: an ordered, reliable byte stream with a graceful end (FIN) and an
 * abortive reset (RST), half-close allowed in both directions.
 * @module
 */

/** An IP endpoint. `address` is dotted IPv4 or text IPv6. */
export interface NetEndpoint {
  address: string;
  port: number;
  family: 4 | 6;
}

/** What a stream connection reports to its owner. Every callback runs asynchronously, never inside a call the owner made. */
export interface StreamConnectionHandlers {
  /** Bytes arrived, in order. */
  onData(data: Uint8Array): void;
  /** The peer finished sending (FIN). More `onData` never follows. */
  onEnd(): void;
  /** The connection was reset (RST from the peer, or a fatal transport error); nothing more follows but `onClose`. */
  onReset(error: NetworkError): void;
  /** The send buffer drained below its high-water mark after `write` returned false. */
  onDrain(): void;
  /**
   * This end's FIN went out after every byte written before `end()`: the sending direction is
   * finished. Optional; called at most once.
   */
  onFinish?(): void;
  /** Both directions are finished and resources are released. Called exactly once. */
  onClose(): void;
}

/**
 * One established connection. Until `setHandlers` is called, arriving data and events are held,
 * so nothing is lost between accepting a connection and wiring it up.
 */
export interface StreamConnection {
  readonly local: NetEndpoint;
  readonly remote: NetEndpoint;
  /** Bytes accepted by `write` but not yet handed to the network. */
  readonly bufferedAmount: number;
  setHandlers(handlers: StreamConnectionHandlers): void;
  /**
   * Queue a copy of `data` (the caller may reuse its buffer once `write` returns); false when the
   * send buffer is above its high-water mark (`onDrain` follows). Never drops bytes.
   */
  write(data: Uint8Array): boolean;
  /**
   * Queue `data` without copying it: the caller keeps it unchanged until `onWritten` runs (the
   * bytes left the connection's buffer for the network; with an error when they never will, the
   * connection having failed or been reset first). `onWritten` runs once, never before
   * `writeOwned` returns, in the order of the writes. Same back-pressure answer and failures as
   * `write`. Optional: an owner falls back to `write` when a network has no such method. It saves
   * a copy per send for owners that hold the buffer anyway until a request completes (a blocking
   * or overlapped `WSPSend`, WSK's send IRPs, an encoded TPDU nobody touches again).
   */
  writeOwned?(data: Uint8Array, onWritten: (error: Error | null) => void): boolean;
  /** Send FIN after everything queued. Idempotent. */
  end(): void;
  /** Abort with RST now; queued bytes are discarded. Idempotent. */
  reset(): void;
  /**
   * After the peer's FIN (`onEnd`): checks whether a reset followed it — the peer's answer to data
   * sent after it closed — and reports it (`onReset`); otherwise it would surface only at the next
   * write. Sends nothing. Resolves once the check has answered. Optional: a network that reports
   * such resets by itself needs none.
   */
  probeAfterEnd?(): Promise<void>;
  /**
   * The operating system's handle behind the connection (Node's `net.Socket`), which a child
   * process can be given over IPC (`WSADuplicateSocketW` into a child). Optional: a simulated
   * network has none.
   */
  nativeHandle?(): unknown;
  /**
   * Lets go of this process's handle without ending the connection (no FIN, no RST): another
   * process holds it too, and the system ends the connection when the last holder closes. Optional.
   */
  forget?(): void;
  /** Stop delivering `onData` (receive flow control); the network buffers or applies back-pressure. */
  pause(): void;
  /** Resume delivering `onData`. */
  resume(): void;
  /** Send urgent (out-of-band) data where the network supports it; false when it does not. */
  writeUrgent?(data: Uint8Array): boolean;
}

/** Options to open a connection. */
export interface StreamConnectOptions {
  host: string;
  port: number;
  family: 4 | 6;
  localAddress?: string;
  localPort?: number;
  /** Give up after this long (`ETIMEDOUT`). */
  timeoutMs?: number;
}

/** Options to listen. */
export interface StreamListenOptions {
  host: string;
  port: number;
  family: 4 | 6;
  backlog: number;
}

/** A listening endpoint. */
export interface StreamListener {
  readonly local: NetEndpoint;
  /** Stop accepting; connections already handed out are not affected. Idempotent. */
  close(): void;
}

/** A network that carries byte streams. */
export interface StreamNetwork {
  /** Open a connection; rejects with a `NetworkError` (`ECONNREFUSED`, `ETIMEDOUT`, `EHOSTUNREACH`, …). */
  connect(options: StreamConnectOptions): Promise<StreamConnection>;
  /** Listen; rejects with a `NetworkError` (`EADDRINUSE`, `EADDRNOTAVAIL`, …). */
  listen(
    options: StreamListenOptions,
    onConnection: (connection: StreamConnection) => void,
  ): Promise<StreamListener>;
}

/** What a datagram port reports. */
export interface DatagramHandlers {
  onMessage(data: Uint8Array, from: NetEndpoint): void;
}

/** A bound datagram endpoint. */
export interface DatagramPort {
  readonly local: NetEndpoint;
  setHandlers(handlers: DatagramHandlers): void;
  /** Send one datagram; rejects with a `NetworkError` (`EMSGSIZE`, `EHOSTUNREACH`, …). */
  send(data: Uint8Array, to: NetEndpoint): Promise<void>;
  /** Release the port. Idempotent. */
  close(): void;
}

/** A network that carries datagrams. */
export interface DatagramNetwork {
  /** Bind a datagram port (port 0 = ephemeral); rejects with a `NetworkError` (`EADDRINUSE`, …). */
  bindDatagram(options: { address: string; port: number; family: 4 | 6 }): Promise<DatagramPort>;
}

/** POSIX-style error codes a network reports. */
export type NetworkErrorCode =
  | 'ECONNREFUSED'
  | 'ECONNRESET'
  | 'ECONNABORTED'
  | 'ETIMEDOUT'
  | 'EHOSTUNREACH'
  | 'ENETUNREACH'
  | 'ENETDOWN'
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'EMSGSIZE'
  | 'EPIPE'
  | 'EINVAL'
  | 'EACCES';

/** An error from a `StreamNetwork` or `DatagramNetwork`. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    readonly code: NetworkErrorCode,
    message?: string,
    options?: { cause?: unknown },
  ) {
    super(message ?? code, options);
  }
}
