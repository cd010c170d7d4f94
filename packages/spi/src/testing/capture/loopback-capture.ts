/**
 * A bounded packet capture on the loopback interface with tshark, as an independent witness of
 * what the provider put on the wire.
 *
 * - Started with a capture filter, widened by a marker UDP port of the capture's own.
 * - Live once tshark says "Capturing on" *and* has shown one of the probe datagrams sent to the
 *   marker port after that (tshark announces the capture a moment before packets really flow).
 * - `finish()` sends an end marker and stops (SIGINT, SIGKILL if tshark does not exit) once tshark
 *   has shown it: packets are captured in order, so everything sent before it was seen too.
 * - `decode()` reads the file back with `tshark -r … -T fields`; `dispose()` removes it, and kills
 *   a capture still running (tshark and its dumpcap, as one process group).
 * - A tshark that cannot be started (not installed: spawn `ENOENT`) fails `start()` at once.
 *
 * Gate the tests that use it with `describeWithTshark` / `itWithTshark` (`tshark-gate.ts`):
 * tshark may be installed and still unable to capture.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsharkSkipReason } from './tshark-gate';

/**
 * True when a `tshark` binary runs. Says nothing about capturing: gate capture tests on
 * `tsharkCaptureSkipReason()` (or `describeWithTshark`) instead.
 *
 * @example
 * if (!tsharkInstalled()) console.warn('no tshark: the capture tests will be skipped');
 */
export function tsharkInstalled(): boolean {
  return tsharkSkipReason('decode') === undefined;
}

/** How to run tshark for a capture. */
export interface LoopbackCaptureOptions {
  /** The tshark binary (default `tshark`, found on `PATH`). */
  command?: string;
}

/** How long tshark may take to start capturing, or to show the marker, before the test gives up. */
const STEP_LIMIT_MS = 15_000;
/** How often a probe goes to the marker port until tshark shows one. */
const PROBE_INTERVAL_MS = 50;
/** Payload sizes that tell probes from the end marker in tshark's live output (`udp.length` = 8 + payload). */
const PROBE_PAYLOAD = 1;
const END_PAYLOAD = 2;
/** tshark stops on its own after this long, whatever happens to the test process. */
const CAPTURE_LIMIT_S = 60;

/**
 * A running capture.
 *
 * @example
 * const capture = await LoopbackCapture.start('tcp port 102');
 * try {
 *   // … traffic on lo …
 *   await capture.finish();
 *   const rows = capture.decode(['tcp.srcport', 'tcp.len']);
 * } finally {
 *   capture.dispose();
 * }
 */
export class LoopbackCapture {
  private stdout = '';
  private stderr = '';
  private hasExited = false;
  private spawnError: Error | undefined;
  private disposed = false;
  /** Resolves once tshark has exited (or could not be started). */
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly directory: string,
    /** The capture file tshark writes (pcapng), removed by `dispose()`. */
    readonly file: string,
    private readonly marker: { receiver: UdpSocket; sender: UdpSocket; port: number },
  ) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        this.hasExited = true;
        resolve();
      });
      child.once('error', (error) => {
        this.spawnError = error;
        this.stderr += `\n${error.message}`;
        this.hasExited = true;
        resolve();
      });
    });
  }

  /**
   * Starts capturing on `lo` with the capture filter `filter` (plus the marker port); resolves once
   * packets are known to be captured. Live output is `udp.dstport,udp.length` of each packet.
   */
  static async start(filter: string, options: LoopbackCaptureOptions = {}): Promise<LoopbackCapture> {
    const receiver = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      receiver.once('error', reject);
      receiver.bind(0, '127.0.0.1', () => resolve());
    });
    const marker = { receiver, sender: createSocket('udp4'), port: receiver.address().port };
    const directory = mkdtempSync(join(tmpdir(), 'ws2spi-capture-'));
    const file = join(directory, 'capture.pcapng');
    const child = spawn(
      options.command ?? 'tshark',
      [
        ...['-i', 'lo', '-f', `(${filter}) or udp port ${marker.port}`, '-w', file],
        ...['-P', '-l', '-n', '-T', 'fields', '-E', 'separator=,', '-e', 'udp.dstport', '-e', 'udp.length'],
        ...['-a', `duration:${CAPTURE_LIMIT_S}`],
      ],
      // Its own process group, so that `dispose` can kill tshark and the dumpcap it runs at once.
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    const capture = new LoopbackCapture(child, directory, file, marker);
    try {
      await capture.until(() => capture.stderr.includes('Capturing on'), 'to start capturing');
      const probes = setInterval(() => capture.sendMarker(PROBE_PAYLOAD), PROBE_INTERVAL_MS);
      try {
        capture.sendMarker(PROBE_PAYLOAD);
        await capture.until(() => capture.sawMarker(PROBE_PAYLOAD), 'to show a probe datagram');
      } finally {
        clearInterval(probes);
      }
    } catch (error) {
      await capture.stop();
      capture.dispose();
      throw error;
    }
    return capture;
  }

  /** Sends the end marker, waits until tshark shows it, and stops the capture. */
  async finish(): Promise<void> {
    this.sendMarker(END_PAYLOAD);
    await this.until(() => this.sawMarker(END_PAYLOAD), 'to show the end marker');
    await this.stop();
  }

  private sendMarker(payload: number): void {
    this.marker.sender.send(new Uint8Array(payload), this.marker.port, '127.0.0.1');
  }

  private sawMarker(payload: number): boolean {
    const line = `${this.marker.port},${8 + payload}`;
    return this.stdout.split('\n').some((l) => l.trim() === line);
  }

  /** True until tshark has exited. */
  get running(): boolean {
    return !this.hasExited;
  }

  /** Stops the capture (SIGINT, then SIGKILL if tshark does not exit) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, STEP_LIMIT_MS);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    await this.exited;
  }

  /** Decodes the capture file: one row per packet, one string per field (`tshark -r -T fields`). */
  decode(fields: readonly string[]): string[][] {
    const result = spawnSync(
      'tshark',
      ['-r', this.file, '-n', '-T', 'fields', '-E', 'separator=,', ...fields.flatMap((f) => ['-e', f])],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (result.status !== 0) throw new Error(`tshark -r failed (${result.status}): ${result.stderr}`);
    return result.stdout
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => line.split(','));
  }

  /**
   * Removes the capture file and its directory, and closes the marker sockets. A capture still
   * running (a test that failed before `finish`) is killed — tshark and its dumpcap — rather than
   * left to its own 60-second limit; `exited` resolves once it is gone.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.hasExited && this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    }
    rmSync(this.directory, { recursive: true, force: true });
    this.marker.receiver.close();
    this.marker.sender.close();
  }

  /** Waits (polling tshark's output as it arrives) until `done()`, failing if tshark exits or the step limit passes. */
  private until(done: () => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(
        () => finish(new Error(`tshark did not manage ${what} within ${STEP_LIMIT_MS} ms: ${this.stderr}`)),
        STEP_LIMIT_MS,
      );
      const check = (): void => {
        if (done()) finish();
        else if (this.spawnError)
          finish(new Error(`tshark could not be started: ${this.spawnError.message}`));
        else if (this.hasExited) finish(new Error(`tshark exited before ${what}: ${this.stderr}`));
      };
      const finish = (error?: Error): void => {
        clearTimeout(deadline);
        this.child.stdout!.off('data', check);
        this.child.stderr!.off('data', check);
        this.child.off('exit', check);
        this.child.off('error', check);
        if (error) reject(error);
        else resolve();
      };
      this.child.stdout!.on('data', check);
      this.child.stderr!.on('data', check);
      this.child.on('exit', check);
      // A spawn failure (ENOENT) emits 'error' and never 'exit'.
      this.child.on('error', check);
      check();
    });
  }
}
