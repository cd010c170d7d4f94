/**
 * Timing and heap helpers for rounds.
 * @module
 */

import { performance } from 'node:perf_hooks';

/**
 * What rounds are timed with: `'wall'` (the default: elapsed time, what a user waits) or `'cpu'`
 * (the process's user + system CPU time, which other processes on a busy machine disturb far
 * less; everything a figure measures runs on its one thread, the kernel's socket work included).
 */
export type Clock = 'wall' | 'cpu';

let clock: Clock = 'wall';

/** Chooses the clock of this process (the runner's `--clock`). */
export function useClock(chosen: Clock): void {
  clock = chosen;
}

/** The clock of this process. */
export function currentClock(): Clock {
  return clock;
}

/** The unit figures report times in under the current clock. */
export function timeUnit(): string {
  return clock === 'cpu' ? 'ms cpu' : 'ms';
}

/** Now, in ms, on the current clock. */
export function now(): number {
  if (clock === 'wall') return performance.now();
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Milliseconds `work` takes. */
export async function elapsed(work: () => Promise<void>): Promise<number> {
  const start = now();
  await work();
  return now() - start;
}

/** Milliseconds `count` synchronous calls of `call` take. */
export function loopMs(count: number, call: () => void): number {
  const start = now();
  for (let i = 0; i < count; i++) call();
  return now() - start;
}

/** Milliseconds `count` awaited calls of `call` take. */
export async function asyncLoopMs(count: number, call: () => Promise<unknown>): Promise<number> {
  const start = now();
  for (let i = 0; i < count; i++) await call();
  return now() - start;
}

/**
 * How many calls of `call` fill about `targetMs` (at least `minimum`): micro-benchmarks size their
 * rounds with it so that a round is long enough to time and short enough to repeat.
 */
export function calibrate(call: () => void, targetMs: number, minimum = 1000): number {
  // Warm the call up first (the JIT's tiers), so that the count fits the code the rounds run.
  loopMs(minimum * 10, call);
  let count = minimum;
  for (;;) {
    const ms = loopMs(count, call);
    if (ms >= targetMs / 4 || count >= 1 << 26) return Math.max(minimum, Math.round((count * targetMs) / ms));
    count *= 4;
  }
}

/** The async version of `calibrate`. */
export async function calibrateAsync(
  call: () => Promise<unknown>,
  targetMs: number,
  minimum = 100,
): Promise<number> {
  let count = minimum;
  for (;;) {
    const ms = await asyncLoopMs(count, call);
    if (ms >= targetMs / 4 || count >= 1 << 24) return Math.max(minimum, Math.round((count * targetMs) / ms));
    count *= 4;
  }
}

/**
 * The live heap after full collections, in bytes: V8's used heap plus memory outside it held by
 * JavaScript objects (`external`: array buffers, native handles). Needs `--expose-gc`, which the
 * runner passes to every figure's process.
 */
export function settledHeapBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('heap figures need node --expose-gc (pnpm bench passes it)');
  for (let i = 0; i < 3; i++) gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** Resolves after the current macrotask and everything it queued (timers excepted). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
