import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { LAST_CATALOG_ENTRY_ID, MAX_CATALOG_FILE_BYTES } from './catalog-capacity';
import { parseCatalogFile, serializeCatalogState } from './catalog-file-format';
import type { CatalogState } from './catalog-state';
import { emptyCatalogState } from './catalog-state';
import type { CatalogStore } from './catalog-store';
import { CatalogStoreError } from './catalog-store-error';
import type { FileLockOptions } from './file-lock';
import { FileLockTimeoutError, isProcessAlive, withFileLock } from './file-lock';

/** Options of `JsonFileCatalogStore`: how long a writer waits for the lock, and when a lock is abandoned. */
export interface JsonFileCatalogStoreOptions {
  /** Milliseconds a writer waits for another writer's lock before failing. Default 10 000. */
  lockTimeoutMs?: number;
  /** Age in milliseconds after which a lock whose process is gone is taken over. Default 10 000. */
  staleLockMs?: number;
}

const ACCESS_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);

/** How many directory entries one write looks at for temporary files left by dead writers. */
const MAX_TEMPORARY_SCAN = 1_000;

/** This host's name as it goes into temporary file names: letters, digits and `-` only. */
function hostTag(): string {
  return hostname().replace(/[^A-Za-z0-9-]/g, '_') || 'host';
}

/**
 * A fresh name for the temporary file a writer in this process puts the new content of the
 * catalog `location` in before renaming it over the catalog:
 * `.<catalog name>.<host>.<pid>.<12 hex digits>.tmp`, in the catalog's directory. The host and pid
 * say whose it is, so a later writer can remove those of writers that died mid-write.
 */
export function catalogTemporaryFile(location: string): string {
  return path.join(
    path.dirname(location),
    `.${path.basename(location)}.${hostTag()}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

/**
 * A catalog kept in a JSON file (see `CatalogFileDocument`), shared by every process and `Catalog`
 * that opens the same file — the role of the Winsock registry key on Windows.
 *
 * - Reading parses and validates the whole file at every call; a corrupt, foreign, newer or
 *   invalid file is a `CatalogStoreError` naming the file and the problem, never a silent reset.
 * - A file that does not exist reads as an empty catalog (as a fresh registry key does: IDs from
 *   1001, serial 1); it and its directory are created by the first write.
 * - Writes are read-modify-write under `<file>.lock` (see `withFileLock`), so concurrent writers in
 *   several processes never lose each other's entries, and atomic: the new text goes to a temporary
 *   file in the same directory, is fsync'ed, and is renamed over the catalog, so a reader sees the
 *   old file or the new one, never half of one. A writer killed mid-write leaves its lock, which
 *   the next writer takes over at once (see `withFileLock`), and its temporary file, which the
 *   next write removes (those of dead processes on this host, among the first
 *   `MAX_TEMPORARY_SCAN` directory entries).
 * - A refused access (a read-only directory or file system) is a `CatalogStoreError` with code
 *   `WSAEACCES`; other file-system failures have `WSANO_RECOVERY`; the Node error is the `cause`.
 */
export class JsonFileCatalogStore implements CatalogStore {
  /** The absolute path of the catalog file. */
  readonly location: string;
  readonly #lock: FileLockOptions;

  constructor(file: string, options: JsonFileCatalogStoreOptions = {}) {
    this.location = path.resolve(file);
    this.#lock = { timeoutMs: options.lockTimeoutMs, staleMs: options.staleLockMs };
  }

  /** The lock file that serialises writers: the catalog path plus `.lock`. */
  get lockPath(): string {
    return `${this.location}.lock`;
  }

  read(): CatalogState {
    let text: string;
    try {
      const size = fs.statSync(this.location).size;
      if (size > MAX_CATALOG_FILE_BYTES) {
        // Refused before it is read into memory; `recoverDamaged` (catalog reset) moves it aside.
        throw new CatalogStoreError(
          'invalid',
          this.location,
          `catalog file ${this.location} is invalid: ${size} bytes, more than any catalog takes (${MAX_CATALOG_FILE_BYTES})`,
        );
      }
      text = fs.readFileSync(this.location, 'utf8');
    } catch (error) {
      if (error instanceof CatalogStoreError) throw error;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyCatalogState();
      throw this.#fsError(error, 'read');
    }
    return parseCatalogFile(text, this.location);
  }

  update(mutate: (state: CatalogState) => boolean): boolean {
    const directory = path.dirname(this.location);
    try {
      fs.mkdirSync(directory, { recursive: true });
    } catch (error) {
      throw this.#fsError(error, `create the directory ${directory} of`);
    }
    try {
      return withFileLock(
        this.lockPath,
        () => {
          // Read inside the lock: what another process wrote a moment ago must be kept.
          const state = this.read();
          if (!mutate(state)) return false;
          this.#removeDeadWritersTemporaries();
          this.#writeAtomically(this.#serializeReadable(state));
          return true;
        },
        this.#lock,
      );
    } catch (error) {
      if (error instanceof CatalogStoreError) throw error;
      if (error instanceof FileLockTimeoutError) {
        throw new CatalogStoreError(
          'lock-timeout',
          this.location,
          `cannot write catalog file ${this.location}: another writer holds ${error.message}`,
          { cause: error },
        );
      }
      throw this.#fsError(error, 'lock');
    }
  }

  recoverDamaged(): string | undefined {
    try {
      this.read();
      return undefined;
    } catch (error) {
      if (
        !(error instanceof CatalogStoreError) ||
        (error.problem !== 'corrupt' && error.problem !== 'invalid')
      ) {
        return undefined;
      }
    }
    try {
      return withFileLock(
        this.lockPath,
        () => {
          let text = '';
          try {
            // Of an oversized file only the start is read: the counter comes near the top.
            text =
              fs.statSync(this.location).size <= MAX_CATALOG_FILE_BYTES
                ? fs.readFileSync(this.location, 'utf8')
                : readStart(this.location, 64 * 1024);
            this.read();
            return undefined; // repaired by another process meanwhile
          } catch (error) {
            if (!(error instanceof CatalogStoreError)) throw this.#fsError(error, 'read');
            if (error.problem !== 'corrupt' && error.problem !== 'invalid') return undefined;
          }
          const backup = `${this.location}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
          fs.renameSync(this.location, backup);
          this.#removeDeadWritersTemporaries();
          const fresh = emptyCatalogState();
          fresh.nextCatalogEntryId = Math.max(fresh.nextCatalogEntryId, readableNextId(text));
          this.#writeAtomically(this.#serializeReadable(fresh));
          return backup;
        },
        this.#lock,
      );
    } catch (error) {
      if (error instanceof CatalogStoreError) throw error;
      throw this.#fsError(error, 'recover');
    }
  }

  /**
   * The file text of `state`, checked by the reader's own rules first: a state this store would
   * refuse to read (an ID counter past the DWORD range, say) is never written, so a bug in a writer
   * fails that one write with `WSANO_RECOVERY` instead of leaving a file nobody can open.
   */
  #serializeReadable(state: CatalogState): string {
    const text = serializeCatalogState(state);
    try {
      parseCatalogFile(text, this.location);
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      throw new CatalogStoreError(
        'invalid',
        this.location,
        `refusing to write catalog file ${this.location}: the new content would not read back (${problem})`,
        { cause: error },
      );
    }
    return text;
  }

  #writeAtomically(text: string): void {
    const directory = path.dirname(this.location);
    const temporary = catalogTemporaryFile(this.location);
    let fd: number | undefined;
    try {
      fd = fs.openSync(temporary, 'wx', 0o644);
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fd = undefined;
      fs.renameSync(temporary, this.location);
    } catch (error) {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(temporary, { force: true });
      throw this.#fsError(error, 'write');
    }
    try {
      // Make the rename itself durable. Not every platform can fsync a directory (Windows cannot);
      // the rename is atomic either way.
      const dirFd = fs.openSync(directory, 'r');
      try {
        fs.fsyncSync(dirFd);
      } finally {
        fs.closeSync(dirFd);
      }
    } catch {
      // See above: durability of the directory entry is best effort.
    }
  }

  /**
   * Removes the temporary files that writers on this host left when they died mid-write. Called
   * inside the lock, where no live writer of this catalog can be writing one (not even another
   * thread of this process): a file is removed when its pid is this process's or names no process;
   * files of other hosts, whose pids mean nothing here, are left alone. Bounded: it looks at the
   * first `MAX_TEMPORARY_SCAN` entries of the directory. Best effort; never fails the write.
   */
  #removeDeadWritersTemporaries(): void {
    const directory = path.dirname(this.location);
    const prefix = `.${path.basename(this.location)}.`;
    const host = hostTag();
    let dir: fs.Dir | undefined;
    try {
      dir = fs.opendirSync(directory);
      for (let seen = 0; seen < MAX_TEMPORARY_SCAN; seen++) {
        const entry = dir.readSync();
        if (!entry) break;
        if (!entry.name.startsWith(prefix) || !entry.name.endsWith('.tmp')) continue;
        // `<host>.<pid>.<hex>` (this version) or `<pid>.<hex>` (older ones, which wrote no host).
        const match = /^(?:(.+)\.)?(\d+)\.[0-9a-f]{12}\.tmp$/.exec(entry.name.slice(prefix.length));
        if (!match || (match[1] !== undefined && match[1] !== host)) continue;
        const pid = Number(match[2]);
        if (pid !== process.pid && isProcessAlive(pid)) continue;
        fs.rmSync(path.join(directory, entry.name), { force: true });
      }
    } catch {
      // Cleaning up is best effort; the write itself reports real file-system problems.
    } finally {
      dir?.closeSync();
    }
  }

  #fsError(error: unknown, action: string): CatalogStoreError {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = error instanceof Error ? error.message : String(error);
    return new CatalogStoreError(
      ACCESS_CODES.has(code) ? 'access' : 'io',
      this.location,
      `cannot ${action} catalog file ${this.location}: ${reason}`,
      { cause: error },
    );
  }
}

/** The first `bytes` bytes of a file, as text. */
function readStart(file: string, bytes: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, n).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The `nextCatalogEntryId` a damaged file still states, or 0: IDs handed out before must not
 * return. A value past the DWORD range (an older ws2spi wrote 4294967296) reads as the exhausted
 * counter 0xFFFFFFFF, which `Catalog.resetEntries` restarts from 1001 once the entries are gone.
 */
function readableNextId(text: string): number {
  let value: unknown;
  try {
    value = (JSON.parse(text) as { nextCatalogEntryId?: unknown }).nextCatalogEntryId;
  } catch {
    const match = /"nextCatalogEntryId"\s*:\s*(\d+)/.exec(text);
    value = match ? Number(match[1]) : 0;
  }
  return typeof value === 'number' && Number.isInteger(value) && value > 0
    ? Math.min(value, LAST_CATALOG_ENTRY_ID + 1)
    : 0;
}
