/**
 * A `StreamNetwork` that passes everything to another one and records what the provider did with
 * it: every connect attempt and every byte written on every connection. Lets a test say "nothing
 * was sent" about a refused call by comparing counts before and after it.
 */
import type {
  StreamConnection,
  StreamConnectionHandlers,
  StreamConnectOptions,
  StreamListener,
  StreamListenOptions,
  StreamNetwork,
} from '@ws2spi/spi';

/** A connection that records its writes. */
class RecordingConnection implements StreamConnection {
  constructor(
    private readonly inner: StreamConnection,
    private readonly record: { written: number },
  ) {}

  get local() {
    return this.inner.local;
  }
  get remote() {
    return this.inner.remote;
  }
  get bufferedAmount() {
    return this.inner.bufferedAmount;
  }
  setHandlers(handlers: StreamConnectionHandlers): void {
    this.inner.setHandlers(handlers);
  }
  write(data: Uint8Array): boolean {
    this.record.written += data.byteLength;
    return this.inner.write(data);
  }
  end(): void {
    this.inner.end();
  }
  reset(): void {
    this.inner.reset();
  }
  pause(): void {
    this.inner.pause();
  }
  resume(): void {
    this.inner.resume();
  }
}

/** The recording network. */
export class RecordingStreamNetwork implements StreamNetwork {
  /** Connect attempts made. */
  connects = 0;
  /** Octets written on all connections (outgoing and accepted). */
  readonly record = { written: 0 };

  constructor(private readonly inner: StreamNetwork) {}

  /** Octets written so far. */
  get written(): number {
    return this.record.written;
  }

  async connect(options: StreamConnectOptions): Promise<StreamConnection> {
    this.connects++;
    return new RecordingConnection(await this.inner.connect(options), this.record);
  }

  listen(
    options: StreamListenOptions,
    onConnection: (connection: StreamConnection) => void,
  ): Promise<StreamListener> {
    return this.inner.listen(options, (connection) =>
      onConnection(new RecordingConnection(connection, this.record)),
    );
  }
}
