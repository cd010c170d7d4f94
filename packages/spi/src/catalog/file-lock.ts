import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { hostname } from 'node:os';

/** Who holds a lock file: written into it as JSON when the lock is taken. */
export interface LockOwner {
  pid: number;
  hostname: string;
  /** `Date.now()` when the lock was taken. */
  time: number;
  /** Distinguishes this holder from any later one with the same pid. */
  nonce: string;
}

/** How long `withFileLock` waits and when it considers a lock abandoned. */
export interface FileLockOptions {
  /** Give up waiting after this many milliseconds. Default 10 000. */
  timeoutMs?: number;
  /**
   * A lock at least this many milliseconds old whose holder is not alive (or, for a lock taken on
   * another host or an unreadable lock file, that is simply this old) is abandoned and taken over.
   * Default 10 000.
   */
  staleMs?: number;
}

/** Thrown when the lock stayed held by someone else for the whole `timeoutMs`. */
export class FileLockTimeoutError extends Error {
  override readonly name = 'FileLockTimeoutError';
  constructor(
    readonly lockPath: string,
    readonly waitedMs: number,
    readonly holder: LockOwner | undefined,
  ) {
    super(
      `lock ${lockPath} is still held after ${waitedMs} ms` +
        (holder
          ? ` (by pid ${holder.pid} on ${holder.hostname} since ${new Date(holder.time).toISOString()})`
          : ''),
    );
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_STALE_MS = 10_000;

/**
 * Runs `critical` while holding the lock file `lockPath`, so read-modify-write sequences of several
 * processes on one file never interleave (what the registry's catalog lock does for ws2_32).
 *
 * The lock is a file created with `O_CREAT | O_EXCL` (atomic on local file systems), holding the
 * owner's pid, host and time. A busy lock is retried with a growing sleep (`Atomics.wait`, because
 * the catalog API is synchronous) until `timeoutMs`; an abandoned lock (see `staleMs`) is taken
 * over. Throws `FileLockTimeoutError`, or the Node error when the lock file cannot be created.
 */
export function withFileLock<T>(lockPath: string, critical: () => T, options: FileLockOptions = {}): T {
  const owner = acquire(
    lockPath,
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    options.staleMs ?? DEFAULT_STALE_MS,
  );
  try {
    return critical();
  } finally {
    release(lockPath, owner);
  }
}

function acquire(lockPath: string, timeoutMs: number, staleMs: number): LockOwner {
  const started = Date.now();
  let pause = 1;
  for (;;) {
    const owner: LockOwner = {
      pid: process.pid,
      hostname: hostname(),
      time: Date.now(),
      nonce: randomUUID(),
    };
    let fd: number;
    try {
      fd = fs.openSync(lockPath, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (takeOverIfAbandoned(lockPath, staleMs)) continue;
      const waited = Date.now() - started;
      if (waited >= timeoutMs) throw new FileLockTimeoutError(lockPath, waited, readOwner(lockPath));
      // Jitter keeps two waiting processes from retrying in lock step.
      sleep(Math.min(pause + Math.random() * pause, timeoutMs - waited));
      pause = Math.min(pause * 2, 50);
      continue;
    }
    try {
      fs.writeFileSync(fd, JSON.stringify(owner));
    } catch (error) {
      fs.closeSync(fd);
      fs.rmSync(lockPath, { force: true });
      throw error;
    }
    fs.closeSync(fd);
    return owner;
  }
}

function release(lockPath: string, owner: LockOwner): void {
  // Remove the lock only if it is still ours: had it been taken over as abandoned, the file now
  // belongs to the next holder.
  if (readOwner(lockPath)?.nonce === owner.nonce) fs.rmSync(lockPath, { force: true });
}

/** The owner recorded in a lock file, or `undefined` if it is gone, being written, or unreadable. */
export function readOwner(lockPath: string): LockOwner | undefined {
  try {
    const value = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as Partial<LockOwner>;
    if (
      typeof value.pid === 'number' &&
      typeof value.hostname === 'string' &&
      typeof value.time === 'number' &&
      typeof value.nonce === 'string'
    ) {
      return value as LockOwner;
    }
  } catch {
    // Missing, half-written or not ours: the caller treats all of these as "no known owner".
  }
  return undefined;
}

/** True when `pid` names a running process (one we may not signal still counts). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the lock if it is abandoned; true when the caller should retry at once (the lock was
 * removed, or vanished by itself), false when it is legitimately held.
 */
function takeOverIfAbandoned(lockPath: string, staleMs: number): boolean {
  let seen: fs.Stats;
  try {
    seen = fs.statSync(lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const owner = readOwner(lockPath);
  const age = Date.now() - (owner?.time ?? seen.mtimeMs);
  if (age < staleMs) return false;
  if (owner && owner.hostname === hostname() && isProcessAlive(owner.pid)) return false;

  // Two processes may judge the same lock abandoned at once. Each moves it aside under a private
  // name first and deletes it only if it is the very file judged abandoned; otherwise it moved the
  // lock the other one had just taken, and puts it back.
  const aside = `${lockPath}.abandoned-${process.pid}-${randomUUID()}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const moved = fs.statSync(aside);
  if (moved.ino !== seen.ino || moved.mtimeMs !== seen.mtimeMs || moved.size !== seen.size) {
    try {
      fs.linkSync(aside, lockPath);
    } catch {
      // A third process took the lock meanwhile; the one we moved is lost to its holder, who will
      // find it gone on release. This needs three processes inside a few microseconds.
    }
  }
  fs.rmSync(aside, { force: true });
  return true;
}

function sleep(ms: number): void {
  if (ms <= 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
