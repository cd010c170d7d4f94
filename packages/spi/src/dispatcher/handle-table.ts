import type { SOCKET } from '../spi/wsp-types';

/** One socket handle the dispatcher knows: who owns it and, for non-IFS handles, the provider's context. */
export interface HandleRecord {
  readonly handle: SOCKET;
  /** The catalog entry that claimed the handle; every call on the handle goes to that entry's provider. */
  catalogEntryId: number;
  /** True for handles minted by `WPUCreateSocketHandle` (non-IFS), false for `WPUModifyIFSHandle`. */
  readonly nonIfs: boolean;
  /** The `dwContext` given to `WPUCreateSocketHandle`. */
  readonly context: unknown;
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

  /** Registers (or re-registers, as `WPUModifyIFSHandle` does for an IFS layer) a handle. */
  set(record: HandleRecord): void {
    this.records.set(record.handle, record);
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
