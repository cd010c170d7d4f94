/**
 * A hand-driven ISO-on-TCP peer over a plain `node:net` socket, for fault tests: it writes exactly
 * the bytes a test gives it (well-formed TPDUs from the codec, or garbage) and decodes whatever the
 * provider answers, so a test can check both the provider's Winsock results and what it put on the
 * wire. Every wait is bounded by the jest test timeout only through the promises it returns; all
 * sockets and servers are closed by `close()`.
 */
import { createServer, type Socket as NetSocket, type Server, connect as tcpConnect } from 'node:net';
import type { CcTpdu, Tpdu } from '../../src/cotp/tpdu';
import { decodeTpkt } from '../../src/cotp/tpdu-decoder';
import { encodeTpkt } from '../../src/cotp/tpdu-encoder';
import { TpktReassembler } from '../../src/cotp/tpkt-reassembler';

/** How the peer's TCP connection ended, as Node reported it. */
export type RawEnd = 'end' | 'reset' | 'open';

/** One side of a raw TCP connection speaking TPKT. */
export class RawCotpPeer {
  private readonly reassembler = new TpktReassembler(65535);
  private readonly received: Tpdu[] = [];
  private ended: RawEnd = 'open';
  private readonly waiters = new Set<() => void>();

  constructor(readonly socket: NetSocket) {
    socket.on('data', (chunk: Buffer) => {
      this.reassembler.push(new Uint8Array(chunk));
      for (;;) {
        const next = this.reassembler.next();
        if (next.kind !== 'frame') break;
        const decoded = decodeTpkt(next.frame, { dataFormat: 'auto' });
        if (decoded.ok) this.received.push(decoded.value);
      }
      this.wake();
    });
    socket.on('end', () => {
      if (this.ended === 'open') this.ended = 'end';
      this.wake();
    });
    socket.on('error', () => {
      this.ended = 'reset';
      this.wake();
    });
    socket.on('close', () => {
      if (this.ended === 'open') this.ended = 'end';
      this.wake();
    });
  }

  /** Connects to a provider's listener. */
  static connect(port: number, host = '127.0.0.1'): Promise<RawCotpPeer> {
    return new Promise((resolve, reject) => {
      const socket = tcpConnect({ port, host, allowHalfOpen: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawCotpPeer(socket));
      });
    });
  }

  /** The TPDUs decoded so far. */
  get tpdus(): readonly Tpdu[] {
    return this.received;
  }

  /** How the TCP connection ended so far. */
  get end(): RawEnd {
    return this.ended;
  }

  /** Writes raw bytes. */
  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Writes one TPDU in its TPKT. */
  send(tpdu: Tpdu): void {
    this.write(encodeTpkt(tpdu));
  }

  /** Resolves with the first received TPDU of `type` (waiting for it). */
  async next<T extends Tpdu['type']>(type: T): Promise<Extract<Tpdu, { type: T }>> {
    await this.until(() => this.received.some((t) => t.type === type) || this.ended !== 'open');
    const found = this.received.find((t) => t.type === type);
    if (!found) {
      throw new Error(
        `the connection ended (${this.ended}) without a ${type}; received ${this.received.map((t) => t.type).join(', ') || 'nothing'}`,
      );
    }
    return found as Extract<Tpdu, { type: T }>;
  }

  /** Resolves once the provider has ended or reset the TCP connection. */
  async closed(): Promise<RawEnd> {
    await this.until(() => this.ended !== 'open');
    return this.ended;
  }

  /**
   * Client side of a class-2 CR/CC exchange: sends a CR (`calledTsap`, reference `srcRef`, TPDU
   * size code `tpduSizeCode`) and resolves with the CC.
   */
  async handshake(
    options: { calledTsap?: string; srcRef?: number; tpduSizeCode?: number } = {},
  ): Promise<CcTpdu> {
    this.send({
      type: 'CR',
      dstRef: 0,
      srcRef: options.srcRef ?? 0x4321,
      classOption: { protocolClass: 2, extendedFormats: false, noExplicitFlowControl: true },
      parameters: {
        ...(options.calledTsap !== undefined
          ? { calledTsap: new TextEncoder().encode(options.calledTsap) }
          : {}),
        tpduSizeCode: options.tpduSizeCode ?? 13,
        additionalOptions: 0,
      },
      userData: new Uint8Array(0),
    });
    return this.next('CC');
  }

  /** Ends the TCP connection (FIN). */
  finish(): void {
    this.socket.end();
  }

  /** Destroys the socket. Idempotent. */
  close(): void {
    this.socket.destroy();
  }

  private until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** A raw TCP server standing in for a foreign ISO-on-TCP responder; `peers` resolves each accepted connection. */
export class RawCotpServer {
  private readonly accepted: RawCotpPeer[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => {
      this.accepted.push(new RawCotpPeer(socket));
      for (const w of [...this.waiters]) w();
    });
  }

  /** Listens on 127.0.0.1 with an ephemeral port. */
  static async listen(): Promise<RawCotpServer> {
    const server = createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new RawCotpServer(server);
  }

  get port(): number {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  /** The `index`-th accepted connection, once it is there. */
  peer(index = 0): Promise<RawCotpPeer> {
    return new Promise((resolve) => {
      const check = (): void => {
        const peer = this.accepted[index];
        if (!peer) return;
        this.waiters.delete(check);
        resolve(peer);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Closes every accepted connection and the server. */
  close(): Promise<void> {
    for (const p of this.accepted) p.close();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
