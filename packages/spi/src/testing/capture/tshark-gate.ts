/**
 * Whether the tests that use tshark can run here, and the jest helpers that declare them. Two
 * needs, gated apart:
 *
 * - `'decode'`: tshark is installed (reading a pcap the test wrote needs nothing more).
 * - `'capture'`: tshark can also capture on `lo` — probed with a real one-second capture, since an
 *   installed tshark often cannot (a non-root user without `CAP_NET_RAW` or the `wireshark` group:
 *   "You don't have permission to capture on that device").
 *
 * A test whose need is not met is skipped with the precise reason ("tshark not installed", "no
 * permission to capture on lo", …), unless `WS2SPI_REQUIRE_TSHARK=1` (CI), where it fails with
 * that reason instead.
 * @module
 */

import { spawnSync } from 'node:child_process';
import { loadJestApi } from '../conformance/jest-api';

/** What a test needs of tshark. */
export type TsharkNeed = 'decode' | 'capture';

/** The environment variable that turns a skip for want of tshark into a failure. */
export const REQUIRE_TSHARK_VARIABLE = 'WS2SPI_REQUIRE_TSHARK';

/** The skip reason when no tshark binary runs. */
export const NOT_INSTALLED = 'tshark not installed';
/** The skip reason when tshark runs but may not capture on `lo`. */
export const NO_CAPTURE_PERMISSION = 'no permission to capture on lo';

/** How to run tshark for a probe. */
export interface TsharkProbeOptions {
  /** The tshark binary (default `tshark`, found on `PATH`). */
  command?: string;
  /** Its environment (default this process's). */
  env?: NodeJS.ProcessEnv;
}

/** How long the probe capture runs, and how long it may take in all before it counts as hung. */
const PROBE_CAPTURE_S = 1;
const PROBE_LIMIT_MS = 15_000;
/** How long `tshark --version` may take. */
const VERSION_LIMIT_MS = 20_000;

/**
 * Probe results by need and command. Module state on purpose: a probe spawns tshark (the capture
 * probe for a second), and the answer cannot change while the tests of one file run.
 */
const probed = new Map<string, string | undefined>();

/**
 * Why the tests that need `need` of tshark cannot run here, or undefined when they can. Probed once
 * per need and command (bounded in time), then remembered.
 *
 * @example
 * const reason = tsharkSkipReason('decode');   // undefined, or 'tshark not installed'
 */
export function tsharkSkipReason(need: TsharkNeed, options: TsharkProbeOptions = {}): string | undefined {
  const command = options.command ?? 'tshark';
  const key = `${need}\0${command}`;
  if (!probed.has(key)) probed.set(key, probe(need, command, options.env ?? process.env));
  return probed.get(key);
}

/**
 * `tsharkSkipReason('capture')`: why tshark cannot capture on `lo` here, or undefined.
 *
 * @example
 * (tsharkCaptureSkipReason() ? describe.skip : describe)('on the wire', () => { … });
 */
export function tsharkCaptureSkipReason(options: TsharkProbeOptions = {}): string | undefined {
  return tsharkSkipReason('capture', options);
}

/**
 * True when `WS2SPI_REQUIRE_TSHARK=1`: a test that cannot have tshark fails instead of skipping.
 *
 * @example
 * tsharkRequired({ WS2SPI_REQUIRE_TSHARK: '1' });   // true: a missing tshark fails the run
 */
export function tsharkRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[REQUIRE_TSHARK_VARIABLE] === '1';
}

/** How a gated test or group is declared. */
export type TsharkGate =
  | {
      /** tshark can do what the tests need: run them. */
      kind: 'run';
    }
  | {
      /** Skip the tests. */
      kind: 'skip';
      /** What is missing, for the skip message. */
      reason: string;
    }
  | {
      /** Fail the tests (`WS2SPI_REQUIRE_TSHARK=1` and tshark cannot do it). */
      kind: 'fail';
      /** What is missing. */
      reason: string;
    };

/**
 * The gate for `need`: run, skip with the reason, or (required) fail with it.
 *
 * @example
 * const gate = tsharkGate('decode');
 * if (gate.kind !== 'run') console.log(`tshark tests: ${gate.kind} (${gate.reason})`);
 */
export function tsharkGate(
  need: TsharkNeed,
  options: TsharkProbeOptions & { required?: boolean } = {},
): TsharkGate {
  const reason = tsharkSkipReason(need, options);
  if (reason === undefined) return { kind: 'run' };
  return (options.required ?? tsharkRequired()) ? { kind: 'fail', reason } : { kind: 'skip', reason };
}

/**
 * jest's `describe` for tests that need `need` of tshark (default `'capture'`): declared as usual
 * when it is there; else skipped with `(skipped: reason)` in the title, or — under
 * `WS2SPI_REQUIRE_TSHARK=1` — replaced by one test that fails with the reason. Call it while jest
 * collects tests.
 *
 * @example
 * describeWithTshark('the COTP frames on lo', () => {
 *   it('decodes a DR', async () => { … });
 * });
 */
export function describeWithTshark(title: string, body: () => void, need: TsharkNeed = 'capture'): void {
  const { describe, it } = loadJestApi();
  const gate = tsharkGate(need);
  switch (gate.kind) {
    case 'run':
      describe(title, body);
      return;
    case 'skip':
      describe.skip(`${title} (skipped: ${gate.reason})`, body);
      return;
    case 'fail':
      describe(title, () => {
        it(`needs tshark to ${need} (${REQUIRE_TSHARK_VARIABLE}=1)`, () => {
          throw new Error(requiredMessage(gate.reason));
        });
      });
      return;
  }
}

/**
 * jest's `it` for one test that needs `need` of tshark (default `'capture'`), gated as
 * `describeWithTshark` gates a group; a skipped test's title starts with `[skipped: reason]`.
 *
 * @example
 * itWithTshark('tshark reads the capture', async () => {
 *   const rows = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'cotp.type']);
 *   …
 * }, 'decode');
 */
export function itWithTshark(
  title: string,
  body: () => Promise<void> | void,
  need: TsharkNeed = 'capture',
  timeoutMs?: number,
): void {
  const { it } = loadJestApi();
  const gate = tsharkGate(need);
  switch (gate.kind) {
    case 'run':
      it(title, body, timeoutMs);
      return;
    case 'skip':
      it.skip(`[skipped: ${gate.reason}] ${title}`, body);
      return;
    case 'fail':
      it(title, () => {
        throw new Error(requiredMessage(gate.reason));
      });
      return;
  }
}

/** The failure under `WS2SPI_REQUIRE_TSHARK=1`, with what would fix it. */
function requiredMessage(reason: string): string {
  const remedy =
    reason === NOT_INSTALLED
      ? 'scripts/setup.sh installs it'
      : reason === NO_CAPTURE_PERMISSION
        ? 'run as root, or let this user capture: the wireshark group, or CAP_NET_RAW and CAP_NET_ADMIN on dumpcap'
        : 'see the reason';
  return `${REQUIRE_TSHARK_VARIABLE}=1 requires tshark, but here: ${reason} (${remedy})`;
}

function probe(need: TsharkNeed, command: string, env: NodeJS.ProcessEnv): string | undefined {
  const version = spawnSync(command, ['--version'], { encoding: 'utf8', env, timeout: VERSION_LIMIT_MS });
  if (version.error) {
    if ((version.error as NodeJS.ErrnoException).code === 'ENOENT') return NOT_INSTALLED;
    return `tshark --version failed: ${version.error.message}`;
  }
  if (version.status !== 0)
    return `tshark --version exited with ${version.status}: ${lastLine(version.stderr)}`;
  if (need === 'decode') return undefined;
  // A real capture, written nowhere: the only way to learn that capturing is allowed.
  const capture = spawnSync(
    command,
    ['-i', 'lo', '-q', '-c', '1', '-a', `duration:${PROBE_CAPTURE_S}`, '-w', '/dev/null'],
    { encoding: 'utf8', env, timeout: PROBE_LIMIT_MS },
  );
  if (capture.error) {
    if ((capture.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
      return `tshark did not finish a ${PROBE_CAPTURE_S}-second capture on lo within ${PROBE_LIMIT_MS} ms`;
    }
    return `tshark cannot capture on lo: ${capture.error.message}`;
  }
  if (capture.status === 0) return undefined;
  if (/(don't|do not) have permission to capture/i.test(capture.stderr))
    return 'no permission to capture on lo';
  return `tshark cannot capture on lo (exit ${capture.status ?? capture.signal}): ${lastLine(capture.stderr)}`;
}

/** The last line of tshark's stderr that says something (it ends with "0 packets captured" noise). */
function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !/^tshark:\s*$/.test(line) && !/packets? captured$/.test(line));
  return lines.at(-1) ?? '(no message)';
}
