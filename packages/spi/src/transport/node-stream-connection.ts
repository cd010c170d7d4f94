import type { Socket } from 'node:net';
import { familyNumber } from './ip-literal';
import { networkErrorFromNode } from './node-network-error';
import {
  type NetEndpoint,
  NetworkError,
  type StreamConnection,
  type StreamConnectionHandlers,
} from './stream-network';

/** What `probeAfterEnd` writes: nothing. */
const EMPTY = Buffer.alloc(0);

/**
 * Stops the socket's reads from the kernel now (libuv's `uv_read_stop` through the handle) and for
 * as long as it is paused. A paused `net.Socket` otherwise keeps reading ahead into its own buffer
 * up to its high-water mark, which for a connection another process holds would take bytes that
 * process asked for. Node offers no public switch for this, so it reaches into the handle and the
 * readable state, when they are there; `resume` starts reading again.
 */
function stopReading(socket: Socket): void {
  const internals = socket as unknown as {
    _handle?: { reading?: boolean; readStop?: () => number };
    _readableState?: { highWaterMark?: number };
  };
  // With no read-ahead, a paused socket asks for nothing more (resume asks again).
  if (internals._readableState && typeof internals._readableState.highWaterMark === 'number') {
    internals._readableState.highWaterMark = 0;
  }
  const handle = internals._handle;
  if (handle?.readStop && handle.reading !== false) {
    handle.reading = false;
    handle.readStop();
  }
}

/**
 * Starts the reads `stopReading` stopped. Node's own read request may still count as in progress
 * (it was stopped half-way), in which case it would never ask again: the handle is started here.
 */
function startReading(socket: Socket): void {
  const handle = (socket as unknown as { _handle?: { reading?: boolean; readStart?: () => number } })._handle;
  if (handle?.readStart && handle.reading === false && !socket.destroyed) {
    handle.reading = true;
    handle.readStart();
  }
}

/**
 * A `StreamConnection` over a connected `net.Socket` (opened with `allowHalfOpen: true`). The
 * socket stays paused until the owner calls `setHandlers`, so the kernel holds the bytes (and,
 * behind them, the FIN) and TCP's window back-pressures the peer; events that Node emits anyway
 * while unwired (`error`, `close`, `drain`) are held and replayed in order.
 *
 * Platform limit: an RST that arrives while unread bytes wait in the kernel (the owner paused, or
 * not wired yet) is reported by libuv as end of stream after those bytes (it treats POLLHUP after
 * a partial read as EOF), so the owner sees `onEnd` and learns of the reset only when it next
 * writes (`onReset` with `EPIPE` or `ECONNRESET`). A reader that keeps reading sees
 * `onReset(ECONNRESET)` directly.
 */
export class NodeStreamConnection implements StreamConnection {
  readonly local: NetEndpoint;
  readonly remote: NetEndpoint;

  private handlers: StreamConnectionHandlers | undefined;
  /** Events waiting for `setHandlers` and for the replay microtask after it. */
  private held: Array<() => void> = [];
  private replayPending = false;
  private ownerPaused = false;
  private endCalled = false;
  private resetCalled = false;
  private resetDelivered = false;
  private closeDelivered = false;
  /** `writeOwned` callbacks, in write order: Node completes writes in order. */
  private readonly ownedWritten: Array<(error: Error | null) => void> = [];
  /**
   * One callback for every owned write, so Node batches their completions in one tick. Node
   * completes a write that `destroy()` cut short without an error: the socket's state says so.
   */
  private readonly onOwnedWritten = (error?: Error | null): void => {
    const failure =
      error ?? (this.socket.destroyed ? new NetworkError('ECONNRESET', 'the connection was reset') : null);
    this.ownedWritten.shift()?.(failure);
  };

  /** The connection is held by another process too (see `nativeHandle`). */
  private shared: boolean;

  /**
   * Wrap a connected socket; it is paused here and resumed by `setHandlers`. `shared`: another
   * process holds the connection too (it was handed over), so `pause` stops reading at once.
   */
  constructor(
    private readonly socket: Socket,
    shared = false,
  ) {
    this.shared = shared;
    socket.pause();
    this.local = {
      address: socket.localAddress ?? '',
      port: socket.localPort ?? 0,
      family: familyNumber(socket.localFamily),
    };
    this.remote = {
      address: socket.remoteAddress ?? '',
      port: socket.remotePort ?? 0,
      family: familyNumber(socket.remoteFamily),
    };
    socket.on('data', (chunk: Buffer) => {
      // A plain Uint8Array view: Buffer's slice() would not copy, and owners may rely on it copying.
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (this.handlers !== undefined && !this.replayPending) this.handlers.onData(bytes);
      else this.held.push(() => this.handlers!.onData(bytes));
    });
    socket.on('end', () => this.emit(() => this.handlers!.onEnd()));
    socket.on('drain', () => this.emit(() => !this.closeDelivered && this.handlers!.onDrain()));
    // 'finish': Node handed the last byte to the kernel and shut the sending side (the FIN).
    socket.on('finish', () => this.emit(() => !this.closeDelivered && this.handlers!.onFinish?.()));
    socket.on('error', (error: Error) => {
      if (this.resetCalled) return;
      const failure = networkErrorFromNode(error, 'ECONNABORTED');
      this.emit(() => {
        if (this.resetDelivered || this.resetCalled || this.closeDelivered) return;
        this.resetDelivered = true;
        this.handlers!.onReset(failure);
      });
    });
    socket.on('close', () =>
      this.emit(() => {
        if (this.closeDelivered) return;
        this.closeDelivered = true;
        this.handlers!.onClose();
      }),
    );
  }

  /** `socket.writableLength`: bytes Node holds that the kernel has not taken yet. */
  get bufferedAmount(): number {
    return this.socket.destroyed ? 0 : this.socket.writableLength;
  }

  /** Wire the owner's callbacks; held events replay on a microtask, then the socket flows (unless paused). */
  setHandlers(handlers: StreamConnectionHandlers): void {
    const first = this.handlers === undefined;
    this.handlers = handlers;
    if (!first) return;
    this.replayPending = true;
    queueMicrotask(() => {
      // Events that arrive during the replay join the queue behind the held ones, keeping order.
      while (this.held.length > 0) this.held.shift()!();
      this.replayPending = false;
      if (!this.ownerPaused && !this.socket.destroyed) this.socket.resume();
    });
  }

  /**
   * Queue a copy of `data`; returns Node's back-pressure answer (false at or above the socket's
   * high-water mark, `onDrain` follows). Throws `NetworkError('EPIPE')` after `end()` or
   * `reset()` (Node would otherwise destroy the socket with `ERR_STREAM_WRITE_AFTER_END`); on a
   * socket that already failed the bytes are discarded, the failure is reported by `onReset`.
   */
  write(data: Uint8Array): boolean {
    if (!(data instanceof Uint8Array)) throw new TypeError('write: data must be a Uint8Array');
    if (this.resetCalled) throw new NetworkError('EPIPE', 'write after reset()');
    if (this.endCalled) throw new NetworkError('EPIPE', 'write after end()');
    if (this.socket.destroyed) return true;
    return this.socket.write(Buffer.from(data));
  }

  /**
   * Queue `data` itself (a `Buffer` view of it, no copy); `onWritten` runs once Node handed it to
   * the kernel, or with the error that stopped it. Same checks and answer as `write`.
   */
  writeOwned(data: Uint8Array, onWritten: (error: Error | null) => void): boolean {
    if (!(data instanceof Uint8Array)) throw new TypeError('writeOwned: data must be a Uint8Array');
    if (this.resetCalled) throw new NetworkError('EPIPE', 'write after reset()');
    if (this.endCalled) throw new NetworkError('EPIPE', 'write after end()');
    if (this.socket.destroyed) {
      queueMicrotask(() => onWritten(new NetworkError('EPIPE', 'the connection is gone')));
      return true;
    }
    const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.ownedWritten.push(onWritten);
    return this.socket.write(view, this.onOwnedWritten);
  }

  /** `socket.end()`: FIN after everything queued. Idempotent. */
  end(): void {
    if (this.endCalled || this.resetCalled) return;
    this.endCalled = true;
    if (!this.socket.destroyed) this.socket.end();
  }

  /** `socket.resetAndDestroy()`: RST now, queued bytes dropped; this side gets `onClose` only. Idempotent. */
  reset(): void {
    if (this.resetCalled) return;
    this.resetCalled = true;
    const socket = this.socket;
    if (socket.destroyed) return;
    if (this.endCalled && socket.writableLength === 0 && !socket.writableFinished) {
      // libuv refuses an SO_LINGER-0 close while its shutdown request is in flight (UV_EINVAL, and
      // the socket would then never close). With nothing left to write, that shutdown completes
      // within a loop turn: reset right after it, which still sends RST.
      socket.once('finish', () => {
        if (!socket.destroyed) socket.resetAndDestroy();
      });
      return;
    }
    socket.resetAndDestroy();
  }

  /**
   * After the peer's FIN a reset that follows it (the peer's answer to data sent after it closed)
   * never reaches a reader: the kernel answers every read with the end first, and the reset only
   * surfaces at the next write. An empty write is such a write that sends nothing — the kernel
   * fails it with the reset's error, or does nothing — so it brings the reset in now (`onReset`).
   * Resolves once the write has answered and its error has been delivered.
   */
  probeAfterEnd(): Promise<void> {
    if (!this.socket.readableEnded || this.endCalled || this.resetCalled || this.socket.destroyed) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.socket.write(EMPTY, () => setImmediate(resolve));
    });
  }

  /**
   * The `net.Socket` itself, for `child.send(message, socket, { keepOpen: true })`. From now on
   * another process holds the connection too, so `pause` stops reading at once.
   */
  nativeHandle(): unknown {
    this.shared = true;
    if (this.ownerPaused) stopReading(this.socket);
    return this.socket;
  }

  /**
   * Closes this process's descriptor of the socket (`destroy` without `end`): no FIN, no RST — the
   * kernel ends the connection when the last process holding it closes it.
   */
  forget(): void {
    this.resetCalled = true;
    if (!this.socket.destroyed) this.socket.destroy();
  }

  /** Stop `onData`; Node stops reading, the kernel buffer fills and TCP's window stalls the peer. */
  pause(): void {
    this.ownerPaused = true;
    this.socket.pause();
    // A paused net.Socket still reads ahead into its own buffer (up to its high-water mark). A
    // connection another process holds too must leave the bytes in the kernel for it: stop now.
    if (this.shared) stopReading(this.socket);
  }

  /** Resume `onData` (Node delivers on a later tick). */
  resume(): void {
    this.ownerPaused = false;
    if (this.handlers !== undefined && !this.replayPending && !this.socket.destroyed) {
      this.socket.resume();
      if (this.shared) startReading(this.socket);
    }
  }

  private emit(deliver: () => void): void {
    if (this.handlers === undefined || this.replayPending) this.held.push(deliver);
    else deliver();
  }
}
