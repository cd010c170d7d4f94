import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LAST_CATALOG_ENTRY_ID } from './catalog-capacity';
import { parseCatalogFile, serializeCatalogState } from './catalog-file-format';
import type { CatalogState } from './catalog-state';
import { emptyCatalogState } from './catalog-state';
import type { CatalogStore } from './catalog-store';
import { CatalogStoreError } from './catalog-store-error';
import type { FileLockOptions } from './file-lock';
import { FileLockTimeoutError, withFileLock } from './file-lock';

/** Options of `JsonFileCatalogStore`: how long a writer waits for the lock, and when a lock is abandoned. */
export interface JsonFileCatalogStoreOptions {
  /** Milliseconds a writer waits for another writer's lock before failing. Default 10 000. */
  lockTimeoutMs?: number;
  /** Age in milliseconds after which a lock whose process is gone is taken over. Default 10 000. */
  staleLockMs?: number;
}

const ACCESS_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);

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
 *   old file or the new one, never half of one.
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
      text = fs.readFileSync(this.location, 'utf8');
    } catch (error) {
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
            text = fs.readFileSync(this.location, 'utf8');
            parseCatalogFile(text, this.location);
            return undefined; // repaired by another process meanwhile
          } catch (error) {
            if (!(error instanceof CatalogStoreError)) throw this.#fsError(error, 'read');
            if (error.problem !== 'corrupt' && error.problem !== 'invalid') return undefined;
          }
          const backup = `${this.location}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
          fs.renameSync(this.location, backup);
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
    const temporary = path.join(
      directory,
      `.${path.basename(this.location)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
    );
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
