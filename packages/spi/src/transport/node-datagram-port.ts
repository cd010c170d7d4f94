import type { RemoteInfo, Socket } from 'node:dgram';
import { familyNumber, requireIpLiteral, requirePortNumber } from './ip-literal';
import { networkErrorFromNode } from './node-network-error';
import { type DatagramHandlers, type DatagramPort, type NetEndpoint, NetworkError } from './stream-network';

interface HeldDatagram {
  readonly data: Uint8Array;
  readonly from: NetEndpoint;
}

/**
 * A bound `dgram` socket as a `DatagramPort`. Datagrams that arrive before `setHandlers` are held
 * up to `heldBytesLimit` bytes and dropped beyond it, as a full socket receive buffer drops them.
 */
export class NodeDatagramPort implements DatagramPort {
  readonly local: NetEndpoint;
  private handlers: DatagramHandlers | undefined;
  private held: HeldDatagram[] = [];
  private heldBytes = 0;
  private replayPending = false;
  private isClosed = false;

  /** Wrap a bound socket. */
  constructor(
    private readonly socket: Socket,
    private readonly heldBytesLimit: number,
  ) {
    const address = socket.address();
    this.local = { address: address.address, port: address.port, family: familyNumber(address.family) };
    socket.on('message', (message: Buffer, rinfo: RemoteInfo) => {
      const data = new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
      const from: NetEndpoint = {
        address: rinfo.address,
        port: rinfo.port,
        family: familyNumber(rinfo.family),
      };
      if (this.handlers !== undefined && !this.replayPending) {
        this.handlers.onMessage(data, from);
        return;
      }
      if (this.heldBytes + data.length > this.heldBytesLimit) return;
      this.held.push({ data, from });
      this.heldBytes += data.length;
    });
    // Every send carries its own callback, so an 'error' here is an asynchronous socket error
    // (ICMP feedback on some systems) that UDP semantics let us ignore; it must not crash the process.
    socket.on('error', () => {});
  }

  /** Wire the owner's callback; held datagrams replay on a microtask. */
  setHandlers(handlers: DatagramHandlers): void {
    this.handlers = handlers;
    if (this.replayPending) return;
    this.replayPending = true;
    queueMicrotask(() => {
      while (!this.isClosed && this.handlers !== undefined && this.held.length > 0) {
        const next = this.held.shift()!;
        this.heldBytes -= next.data.length;
        this.handlers.onMessage(next.data, next.from);
      }
      this.replayPending = false;
    });
  }

  /**
   * `socket.send` one datagram (`sendto`); resolves when the kernel took it. Rejects with
   * `NetworkError`: `EINVAL` (closed port, bad address or port, family mismatch),
   * `EADDRNOTAVAIL` (port 0), `EMSGSIZE`, `EHOSTUNREACH`, `ENETUNREACH`, `EACCES` (broadcast
   * without permission) … as the kernel reports them.
   */
  send(data: Uint8Array, to: NetEndpoint): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (!(data instanceof Uint8Array)) throw new NetworkError('EINVAL', 'send: data must be a Uint8Array');
      if (this.isClosed) throw new NetworkError('EINVAL', 'send: the datagram port is closed');
      if (to?.family !== this.local.family) {
        throw new NetworkError(
          'EINVAL',
          `send: an IPv${this.local.family} port cannot send to an IPv${String(to?.family)} endpoint`,
        );
      }
      requireIpLiteral(to.address, to.family, 'send');
      requirePortNumber(to.port, 'send');
      if (to.port === 0) throw new NetworkError('EADDRNOTAVAIL', 'send: port 0 is not a destination');
      try {
        this.socket.send(Buffer.from(data), to.port, to.address, (error) => {
          if (error) reject(networkErrorFromNode(error, 'EINVAL'));
          else resolve();
        });
      } catch (error) {
        throw networkErrorFromNode(error, 'EINVAL');
      }
    });
  }

  /** `socket.close()`; held datagrams are dropped. Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.held = [];
    this.heldBytes = 0;
    this.socket.close();
  }
}
