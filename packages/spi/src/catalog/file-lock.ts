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
  /**
   * When the holding process started, as the kernel counts it (`/proc/<pid>/stat`, Linux only):
   * tells the holder from a later process that was given the same pid.
   */
  start?: string;
}

/** How long `withFileLock` waits and when it considers a lock abandoned. */
export interface FileLockOptions {
  /** Give up waiting after this many milliseconds. Default 10 000. */
  timeoutMs?: number;
  /**
   * When a lock nobody can vouch for is abandoned: a lock taken on another host (whose pid means
   * nothing here) or a lock file that cannot be read is taken over once it is this many
   * milliseconds old. A lock whose holder on this host is gone is taken over at once, whatever
   * its age. Default 10 000.
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
 * owner's pid, host, start and time. A busy lock is retried with a growing sleep (`Atomics.wait`,
 * because the catalog API is synchronous) until `timeoutMs`. A lock whose holder is known to be
 * gone — its pid names no process on this host, or a process that started after the lock was
 * taken (the pid was reused) — is taken over at once, so a writer killed inside the lock blocks
 * nobody; one nobody can vouch for is taken over once `staleMs` old. Throws
 * `FileLockTimeoutError`, or the Node error when the lock file cannot be created.
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
      ...(ownStart() !== undefined ? { start: ownStart() } : {}),
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
      typeof value.nonce === 'string' &&
      (value.start === undefined || typeof value.start === 'string')
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
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When process `pid` started, in clock ticks since boot (field 22 of `/proc/<pid>/stat`), or
 * `undefined` where that cannot be read (not Linux, or no such process). Together with the pid it
 * names one process for the life of the machine.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

let ownStartTime: string | undefined | null = null;

/** This process's `processStartTime`, read once. */
function ownStart(): string | undefined {
  if (ownStartTime === null) ownStartTime = processStartTime(process.pid);
  return ownStartTime;
}

/**
 * True when the holder recorded in a lock file is still running on this host: its pid is alive
 * and, where start times are known, it is the same process (not a later one given its pid).
 */
export function isOwnerAlive(owner: LockOwner): boolean {
  if (!isProcessAlive(owner.pid)) return false;
  if (owner.start === undefined) return true;
  const start = owner.pid === process.pid ? ownStart() : processStartTime(owner.pid);
  return start === undefined || start === owner.start;
}

/**
 * True when a lock held as `owner` (or unreadable, `undefined`, with file time `mtimeMs`) is
 * abandoned: its holder on this host is gone, or nobody can vouch for it and it is `staleMs` old.
 */
function isAbandoned(owner: LockOwner | undefined, mtimeMs: number, staleMs: number): boolean {
  if (owner && owner.hostname === hostname()) return !isOwnerAlive(owner);
  return Date.now() - (owner?.time ?? mtimeMs) >= staleMs;
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
  if (!isAbandoned(owner, seen.mtimeMs, staleMs)) return false;

  // Two processes may judge the same lock abandoned at once. Each moves it aside under a private
  // name first and deletes it only if it is the very lock judged abandoned (same holder, or the
  // same file when no holder could be read); otherwise it moved the lock the other one had just
  // taken, and puts it back.
  const aside = `${lockPath}.abandoned-${process.pid}-${randomUUID()}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const moved = fs.statSync(aside);
  const same = owner
    ? readOwner(aside)?.nonce === owner.nonce
    : moved.ino === seen.ino && moved.mtimeMs === seen.mtimeMs && moved.size === seen.size;
  if (!same) {
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
