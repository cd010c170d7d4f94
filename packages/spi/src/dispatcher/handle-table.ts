import type { SOCKET } from '../spi/wsp-types';
import type { LoadedProvider } from './loaded-provider';

/**
 * One socket handle the dispatcher knows (ws2_32's WSSOCKET): who owns it, for non-IFS handles the
 * provider's context, and what routing needs on every call.
 */
export class HandleRecord {
  /**
   * The started provider that owns the handle, once routing has looked it up; cleared when the
   * handle changes owner. Within a startup epoch a started provider stays started, so one lookup
   * serves every later call.
   */
  provider: LoadedProvider | undefined = undefined;
  /**
   * How many provider calls on this handle — and application callbacks a provider makes for one,
   * like a `WSAAccept` condition function — are running synchronously right now. A `Ws2` call on
   * the handle meanwhile comes from inside one of them: it is re-entrant (`WSAEINPROGRESS`).
   */
  busy = 0;

  constructor(
    readonly handle: SOCKET,
    /** The catalog entry that claimed the handle; every call on the handle goes to that entry's provider. */
    public catalogEntryId: number,
    /** True for handles minted by `WPUCreateSocketHandle` (non-IFS), false for `WPUModifyIFSHandle`. */
    readonly nonIfs: boolean,
    /** The `dwContext` given to `WPUCreateSocketHandle`. */
    readonly context: unknown,
  ) {}
}

/**
 * The process's socket handle table (the WAH handle table of ws2_32): handle → owning catalog entry.
 * Handles come from `createIfsHandle` and are never reused, so a stale handle always misses.
 */
export class HandleTable {
  private readonly records = new Map<SOCKET, HandleRecord>();

  get(handle: SOCKET): HandleRecord | undefined {
    return this.records.get(handle);
  }

  /**
   * Registers a handle for a catalog entry. An IFS handle registered again moves to the new owner,
   * as `WPUModifyIFSHandle` does when an IFS layer claims its lower provider's handle; its record
   * stays the same object, so a call running on it stays marked.
   */
  claim(handle: SOCKET, catalogEntryId: number, nonIfs: boolean, context: unknown): HandleRecord {
    const existing = this.records.get(handle);
    if (existing !== undefined && !existing.nonIfs && !nonIfs) {
      existing.catalogEntryId = catalogEntryId;
      existing.provider = undefined;
      return existing;
    }
    const record = new HandleRecord(handle, catalogEntryId, nonIfs, context);
    this.records.set(handle, record);
    return record;
  }

  delete(handle: SOCKET): boolean {
    return this.records.delete(handle);
  }

  get size(): number {
    return this.records.size;
  }

  /** Forgets every handle (the last `WSACleanup`). */
  clear(): void {
    this.records.clear();
  }

  handles(): SOCKET[] {
    return [...this.records.keys()];
  }
}
