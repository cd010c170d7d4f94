import {
  WSA_NOT_ENOUGH_MEMORY,
  WSAEFAULT,
  WSAEINVAL,
  WSAEINVALIDPROVIDER,
  WSANO_RECOVERY,
  WSASERVICE_NOT_FOUND,
} from '../constants/error-codes';
import { ProviderInfoAudit, ProviderInfoLspCategories } from '../constants/lsp-categories';
import { NO_ERROR, SOCKET_ERROR } from '../constants/socket-api';
import { WsaError } from '../errors/wsa-error';
import type { GUID } from '../types/guid';
import type { Out } from '../types/out-cell';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { readApplicationIdentity } from './application-identity';
import { MAX_APPLICATION_CATEGORIES, reserveCatalogEntryIds } from './catalog-capacity';
import type { CatalogEntry, CatalogSnapshot } from './catalog-entry';
import {
  describeProtocolInfoProblem,
  describeProviderPathProblem,
  isDword,
  toStoredProtocolInfo,
} from './catalog-entry-rules';
import type { CatalogState } from './catalog-state';
import { cloneCatalogEntry, FIRST_CATALOG_ENTRY_ID } from './catalog-state';
import type { CatalogStore } from './catalog-store';
import { CatalogStoreError, isCatalogStoreError } from './catalog-store-error';
import { enumerateProtocols } from './enumerate-protocols';
import type { JsonFileCatalogStoreOptions } from './json-file-catalog-store';
import { JsonFileCatalogStore } from './json-file-catalog-store';
import { MemoryCatalogStore } from './memory-catalog-store';
import type { ArgumentProblem } from './provider-arguments';
import { checkProviderArguments, checkProviderId, isArgumentProblem } from './provider-arguments';

/** `ERROR_CALL_NOT_IMPLEMENTED` (winerror.h): what `WSC[GS]etProviderInfo` return for `ProviderInfoAudit`. */
const ERROR_CALL_NOT_IMPLEMENTED = 120;
/** `sizeof(DWORD)`: the `InfoSize` of `ProviderInfoLspCategories`. */
const SIZEOF_DWORD = 4;

/**
 * The Winsock 2 protocol catalog: the ordered `WSAPROTOCOL_INFOW` entries that `WSASocketW` chooses
 * providers from, with the catalog functions of ws2spi.h / sporder.h under their Windows names,
 * parameter order and return conventions (0 or `SOCKET_ERROR` with the code in `lpErrno`;
 * `WSCWriteProviderOrder` returns its code directly; `WSCEnumProtocols` returns a count).
 *
 * - Catalog entry IDs come from a persisted counter starting at 1001 and are never reused.
 * - `serial` (Windows' `Serial_Access_Num`) goes up by one with every successful write.
 * - State lives in the `CatalogStore` and is read at every call, so catalogs sharing a store (a
 *   file, across processes) see each other's writes. A process takes a `snapshot()` at
 *   `WSAStartup`, as ws2_32 reads the registry only then.
 * - A store that cannot be read or written makes a C-shaped call fail with `WSANO_RECOVERY` (as
 *   Windows does when the registry cannot be written); the `CatalogStoreError` with the details is
 *   in `lastStoreError`. The non-Windows helpers (`snapshot`, `entries`, `serial`) throw it.
 */
export class Catalog {
  /** Where this catalog's state lives. */
  readonly store: CatalogStore;
  #lastStoreError: CatalogStoreError | undefined;
  #lastFailureReason: string | undefined;

  /** A catalog over `store`; by default a fresh in-memory one. */
  constructor(store: CatalogStore = new MemoryCatalogStore()) {
    this.store = store;
  }

  /** A catalog kept in the JSON file `file` (see `JsonFileCatalogStore`). */
  static openFile(file: string, options?: JsonFileCatalogStoreOptions): Catalog {
    return new Catalog(new JsonFileCatalogStore(file, options));
  }

  /** The store failure behind the last call's `WSANO_RECOVERY`, or `undefined` if its store access worked. */
  get lastStoreError(): CatalogStoreError | undefined {
    return this.#lastStoreError;
  }

  /**
   * Why the last C-shaped call failed, in words (the code went to `lpErrno` or the return value),
   * or `undefined` after a success. For messages and logs; Windows has no equivalent.
   */
  get lastFailureReason(): string | undefined {
    return this.#lastFailureReason;
  }

  /**
   * `WSCInstallProvider`: appends one entry per element of `lpProtocolInfoList` (the first
   * `dwNumberOfEntries`), each with a new catalog entry ID, `ProviderId = lpProviderId` and the
   * path. A base entry (ChainLen 1) gets `ChainEntries[0]` = its own new ID; a chain keeps the IDs
   * it references (unchecked, as on Windows, where orphaned chains are possible).
   *
   * Errors: argument checks as in `checkProviderArguments` (`WSAEFAULT` / `WSAEINVAL`); a GUID
   * already installed → `WSANO_RECOVERY` (Windows' "the provider is already installed"); no room
   * for the entries (`MAX_CATALOG_ENTRIES`) or no ID left in the DWORD range →
   * `WSA_NOT_ENOUGH_MEMORY` (see `reserveCatalogEntryIds`); store failure → `WSANO_RECOVERY`.
   */
  WSCInstallProvider(
    lpProviderId: GUID,
    lpszProviderDllPath: string,
    lpProtocolInfoList: readonly WSAPROTOCOL_INFOW[] | null,
    dwNumberOfEntries: number,
    lpErrno: Out<number>,
  ): number {
    this.#begin();
    const problem = checkProviderArguments(
      lpProviderId,
      lpszProviderDllPath,
      lpProtocolInfoList,
      dwNumberOfEntries,
    );
    if (problem) return this.#fail(lpErrno, problem);
    const list = lpProtocolInfoList as readonly WSAPROTOCOL_INFOW[];
    let refusal: ArgumentProblem | undefined;
    const written = this.#update((state) => {
      if (state.entries.some((entry) => entry.info.ProviderId === lpProviderId)) {
        refusal = { code: WSANO_RECOVERY, reason: `provider ${lpProviderId} is already installed` };
        return false;
      }
      const first = reserveCatalogEntryIds(state, dwNumberOfEntries);
      if (typeof first !== 'number') {
        refusal = first;
        return false;
      }
      for (let i = 0; i < dwNumberOfEntries; i++) {
        const id = first + i;
        state.entries.push({
          path: lpszProviderDllPath,
          info: toStoredProtocolInfo(list[i], lpProviderId, id),
          lspCategories: 0,
        });
      }
      state.serial++;
      return true;
    });
    return this.#finish(lpErrno, written, refusal);
  }

  /**
   * `WSCDeinstallProvider`: removes every entry of `lpProviderId`. Their IDs are not handed out
   * again. Errors: NULL GUID → `WSAEFAULT`; malformed or unknown GUID → `WSAEINVAL`; store failure
   * → `WSANO_RECOVERY`.
   */
  WSCDeinstallProvider(lpProviderId: GUID, lpErrno: Out<number>): number {
    this.#begin();
    const problem = checkProviderId(lpProviderId);
    if (problem) return this.#fail(lpErrno, problem);
    let refusal: ArgumentProblem | undefined;
    const written = this.#update((state) => {
      const kept = state.entries.filter((entry) => entry.info.ProviderId !== lpProviderId);
      if (kept.length === state.entries.length) {
        refusal = { code: WSAEINVAL, reason: `provider ${lpProviderId} is not installed` };
        return false;
      }
      state.entries = kept;
      state.serial++;
      return true;
    });
    return this.#finish(lpErrno, written, refusal);
  }

  /**
   * `WSCUpdateProvider`: rewrites the entries of an installed GUID in place — the k-th entry of the
   * GUID (in catalog order) becomes `lpProtocolInfoList[k]`, keeping its position, its catalog entry
   * ID and its LSP categories; the path is replaced. This is how an LSP installer patches another
   * LSP's chains. Errors: as `WSCInstallProvider` for the arguments; unknown GUID, or
   * `dwNumberOfEntries` different from the number of entries the GUID owns → `WSAEINVAL`.
   */
  WSCUpdateProvider(
    lpProviderId: GUID,
    lpszProviderDllPath: string,
    lpProtocolInfoList: readonly WSAPROTOCOL_INFOW[] | null,
    dwNumberOfEntries: number,
    lpErrno: Out<number>,
  ): number {
    this.#begin();
    const problem = checkProviderArguments(
      lpProviderId,
      lpszProviderDllPath,
      lpProtocolInfoList,
      dwNumberOfEntries,
    );
    if (problem) return this.#fail(lpErrno, problem);
    const list = lpProtocolInfoList as readonly WSAPROTOCOL_INFOW[];
    let refusal: ArgumentProblem | undefined;
    const written = this.#update((state) => {
      const positions = state.entries.flatMap((entry, i) =>
        entry.info.ProviderId === lpProviderId ? [i] : [],
      );
      if (positions.length === 0) {
        refusal = { code: WSAEINVAL, reason: `provider ${lpProviderId} is not installed` };
        return false;
      }
      if (positions.length !== dwNumberOfEntries) {
        refusal = {
          code: WSAEINVAL,
          reason: `provider ${lpProviderId} has ${positions.length} entries, not ${dwNumberOfEntries}`,
        };
        return false;
      }
      positions.forEach((position, k) => {
        const old = state.entries[position];
        state.entries[position] = {
          path: lpszProviderDllPath,
          info: toStoredProtocolInfo(list[k], lpProviderId, old.info.dwCatalogEntryId),
          lspCategories: old.lspCategories,
        };
      });
      state.serial++;
      return true;
    });
    return this.#finish(lpErrno, written, refusal);
  }

  /**
   * `WSCEnumProtocols`: copies every entry — including `PFL_HIDDEN` and layered (ChainLen 0)
   * entries — in catalog order into `lpProtocolBuffer`, and returns how many.
   *
   * - `lpiProtocols`: NULL for all, or a 0-terminated list of protocol numbers (see
   *   `matchesProtocolFilter`).
   * - `lpdwBufferLength.value` is the buffer size in bytes, counted as
   *   `SIZEOF_WSAPROTOCOL_INFOW` (628) per entry. Too small (or a NULL buffer) while something
   *   matched → `WSAENOBUFS` with the size needed written back; there is no partial enumeration.
   * - On success the buffer array holds exactly the copies (deep: changing them never changes the
   *   catalog) and `lpdwBufferLength` is left as it was.
   *
   * Errors: NULL `lpdwBufferLength` → `WSAEFAULT`; a filter without its 0 → `WSAEFAULT`; bad
   * numbers → `WSAEINVAL`; store failure → `WSANO_RECOVERY`.
   */
  WSCEnumProtocols(
    lpiProtocols: readonly number[] | null,
    lpProtocolBuffer: WSAPROTOCOL_INFOW[] | null,
    lpdwBufferLength: Out<number>,
    lpErrno: Out<number>,
  ): number {
    this.#begin();
    // Argument problems come before the store is read, as before: check them on an empty list first.
    const precheck = enumerateProtocols([], lpiProtocols, lpProtocolBuffer, lpdwBufferLength);
    if (isArgumentProblem(precheck)) return this.#fail(lpErrno, precheck);
    const state = this.#read();
    if (!state) return this.#storeFailure(lpErrno);
    const result = enumerateProtocols(
      state.entries.map((entry) => entry.info),
      lpiProtocols,
      lpProtocolBuffer,
      lpdwBufferLength,
    );
    return isArgumentProblem(result) ? this.#fail(lpErrno, result) : result;
  }

  /**
   * `WSCWriteProviderOrder` (sporder.h): reorders the catalog — which is also selection priority —
   * to `lpwdCatalogEntryId`. Returns the error code directly: `NO_ERROR` (0); `WSAEINVAL` unless
   * `dwNumberOfEntries` equals the number of entries and the first `dwNumberOfEntries` IDs are every
   * catalog entry ID exactly once; `WSANO_RECOVERY` when the store fails.
   */
  WSCWriteProviderOrder(lpwdCatalogEntryId: readonly number[], dwNumberOfEntries: number): number {
    this.#begin();
    const refuse = (reason: string) => {
      this.#lastFailureReason = reason;
      return WSAEINVAL;
    };
    if (!Array.isArray(lpwdCatalogEntryId)) return refuse('lpwdCatalogEntryId is not an array');
    if (!isDword(dwNumberOfEntries) || dwNumberOfEntries > lpwdCatalogEntryId.length) {
      return refuse(
        `dwNumberOfEntries ${dwNumberOfEntries} does not fit the ${lpwdCatalogEntryId.length} IDs given`,
      );
    }
    const order = lpwdCatalogEntryId.slice(0, dwNumberOfEntries);
    let reason: string | undefined;
    const written = this.#update((state) => {
      reason = describeOrderProblem(order, state.entries);
      if (reason) return false;
      const byId = new Map(state.entries.map((entry) => [entry.info.dwCatalogEntryId, entry]));
      state.entries = order.map((id) => byId.get(id) as CatalogEntry);
      state.serial++;
      return true;
    });
    if (written === undefined) return WSANO_RECOVERY;
    return reason ? refuse(reason) : NO_ERROR;
  }

  /**
   * `WSCGetProviderPath`: the provider path of `lpProviderId` as installed, with `%VAR%` strings
   * unexpanded. `lpProviderDllPathLen.value` is the capacity in characters including the
   * terminating NUL; on success it becomes the path length without the NUL, and when the capacity
   * is too small the call fails with `WSAEFAULT` and it becomes the length needed with the NUL (as
   * ReactOS' ws2_32 does). Errors: NULL GUID/length/buffer → `WSAEFAULT`; malformed or unknown
   * GUID → `WSAEINVAL`; store failure → `WSANO_RECOVERY`.
   */
  WSCGetProviderPath(
    lpProviderId: GUID,
    lpszProviderDllPath: Out<string> | null,
    lpProviderDllPathLen: Out<number>,
    lpErrno: Out<number>,
  ): number {
    this.#begin();
    const problem = checkProviderId(lpProviderId);
    if (problem) return this.#fail(lpErrno, problem);
    if (lpProviderDllPathLen === null || lpProviderDllPathLen === undefined) {
      return this.#fail(lpErrno, { code: WSAEFAULT, reason: 'lpProviderDllPathLen is NULL' });
    }
    const capacity = lpProviderDllPathLen.value;
    if (!Number.isInteger(capacity) || capacity < 0) {
      return this.#fail(lpErrno, {
        code: WSAEINVAL,
        reason: `*lpProviderDllPathLen ${capacity} is not a length`,
      });
    }
    const state = this.#read();
    if (!state) return this.#storeFailure(lpErrno);
    const entry = state.entries.find((candidate) => candidate.info.ProviderId === lpProviderId);
    if (!entry)
      return this.#fail(lpErrno, { code: WSAEINVAL, reason: `provider ${lpProviderId} is not installed` });
    const needed = entry.path.length + 1;
    if (capacity < needed) {
      lpProviderDllPathLen.value = needed;
      return this.#fail(lpErrno, {
        code: WSAEFAULT,
        reason: `the path needs ${needed} characters with its NUL; the buffer holds ${capacity}`,
      });
    }
    if (lpszProviderDllPath === null || lpszProviderDllPath === undefined) {
      return this.#fail(lpErrno, { code: WSAEFAULT, reason: 'lpszProviderDllPath is NULL' });
    }
    lpszProviderDllPath.value = entry.path;
    lpProviderDllPathLen.value = entry.path.length;
    return NO_ERROR;
  }

  /**
   * `WSCSetProviderInfo` with `ProviderInfoLspCategories`: sets the LSP categories (`LSP_*` bits,
   * passed as the DWORD `Info` with `InfoSize` 4) of every entry of `lpProviderId`.
   * Errors: `ProviderInfoAudit` → `ERROR_CALL_NOT_IMPLEMENTED` (120, as documented); another
   * `InfoType`, `InfoSize` ≠ 4, a non-DWORD `Info` or non-zero `Flags` (none are defined) →
   * `WSAEINVAL`; NULL GUID or `Info` → `WSAEFAULT`; unknown GUID → `WSAEINVAL` (the only fitting
   * code this function documents; `WSCGetProviderInfo` documents `WSAEINVALIDPROVIDER` instead);
   * store failure → `WSANO_RECOVERY`.
   */
  WSCSetProviderInfo(
    lpProviderId: GUID,
    InfoType: number,
    Info: number | null,
    InfoSize: number,
    Flags: number,
    lpErrno: Out<number>,
  ): number {
    this.#begin();
    const problem = checkProviderId(lpProviderId) ?? checkInfoType(InfoType) ?? checkFlags(Flags);
    if (problem) return this.#fail(lpErrno, problem);
    if (Info === null || Info === undefined)
      return this.#fail(lpErrno, { code: WSAEFAULT, reason: 'Info is NULL' });
    if (InfoSize !== SIZEOF_DWORD) {
      return this.#fail(lpErrno, {
        code: WSAEINVAL,
        reason: `InfoSize ${InfoSize} is not sizeof(DWORD) (4)`,
      });
    }
    if (!isDword(Info))
      return this.#fail(lpErrno, { code: WSAEINVAL, reason: `Info ${Info} is not a DWORD` });
    let refusal: ArgumentProblem | undefined;
    const written = this.#update((state) => {
      const owned = state.entries.filter((entry) => entry.info.ProviderId === lpProviderId);
      if (owned.length === 0) {
        refusal = { code: WSAEINVAL, reason: `provider ${lpProviderId} is not installed` };
        return false;
      }
      for (const entry of owned) entry.lspCategories = Info;
      state.serial++;
      return true;
    });
    return this.#finish(lpErrno, written, refusal);
  }

  /**
   * `WSCGetProviderInfo` with `ProviderInfoLspCategories`: writes the LSP categories of
   * `lpProviderId` (of its first entry) to `Info.value` and 4 to `InfoSize.value`.
   * Errors: as `WSCSetProviderInfo` for `InfoType`/`Flags`; unknown GUID → `WSAEINVALIDPROVIDER`
   * (documented); NULL `Info` or `InfoSize.value` < 4 → `WSAEFAULT` with the size needed (4)
   * written to `InfoSize` (the documentation names no code for this case; `WSAEFAULT` is what the
   * other catalog calls use for a short buffer); NULL `InfoSize` → `WSAEFAULT`.
   */
  WSCGetProviderInfo(
    lpProviderId: GUID,
    InfoType: number,
    Info: Out<number> | null,
    InfoSize: Out<number>,
    Flags: number,
    lpErrno: Out<number>,
  ): number {
    this.#begin();
    const problem = checkProviderId(lpProviderId) ?? checkInfoType(InfoType) ?? checkFlags(Flags);
    if (problem) return this.#fail(lpErrno, problem);
    if (InfoSize === null || InfoSize === undefined) {
      return this.#fail(lpErrno, { code: WSAEFAULT, reason: 'InfoSize is NULL' });
    }
    const state = this.#read();
    if (!state) return this.#storeFailure(lpErrno);
    const entry = state.entries.find((candidate) => candidate.info.ProviderId === lpProviderId);
    if (!entry) {
      return this.#fail(lpErrno, {
        code: WSAEINVALIDPROVIDER,
        reason: `provider ${lpProviderId} is not installed`,
      });
    }
    if (Info === null || Info === undefined || !(InfoSize.value >= SIZEOF_DWORD)) {
      InfoSize.value = SIZEOF_DWORD;
      return this.#fail(lpErrno, { code: WSAEFAULT, reason: 'the LSP categories need a 4-byte buffer' });
    }
    Info.value = entry.lspCategories;
    InfoSize.value = SIZEOF_DWORD;
    return NO_ERROR;
  }

  /**
   * `WSCSetApplicationCategory`: adds `PermittedLspCategories` to the categories permitted for the
   * application `(Path, Extra)` — ORed with what was set before, as documented, so one executable
   * hosting several services accumulates them — and writes the previous value to
   * `pPrevPermLspCat` (0 for an application seen for the first time) unless it is NULL.
   * Errors: see `readApplicationIdentity`; a non-DWORD category set → `WSAEINVAL`; a new
   * application when `MAX_APPLICATION_CATEGORIES` are already kept → `WSA_NOT_ENOUGH_MEMORY`; store
   * failure → `WSANO_RECOVERY`.
   */
  WSCSetApplicationCategory(
    Path: string | null,
    PathLength: number,
    Extra: string | null,
    ExtraLength: number,
    PermittedLspCategories: number,
    pPrevPermLspCat: Out<number> | null,
    lpErrno: Out<number>,
  ): number {
    this.#begin();
    const app = readApplicationIdentity(Path, PathLength, Extra, ExtraLength);
    if (isArgumentProblem(app)) return this.#fail(lpErrno, app);
    if (!isDword(PermittedLspCategories)) {
      return this.#fail(lpErrno, {
        code: WSAEINVAL,
        reason: `PermittedLspCategories ${PermittedLspCategories} is not a DWORD`,
      });
    }
    let previous = 0;
    let refusal: ArgumentProblem | undefined;
    const written = this.#update((state) => {
      const known = state.appCategories.find((entry) => entry.path === app.path && entry.extra === app.extra);
      if (!known && state.appCategories.length >= MAX_APPLICATION_CATEGORIES) {
        refusal = {
          code: WSA_NOT_ENOUGH_MEMORY,
          reason: `categories are kept for ${state.appCategories.length} applications, the most the catalog holds (MAX_APPLICATION_CATEGORIES)`,
        };
        return false;
      }
      previous = known?.permittedLspCategories ?? 0;
      const combined = (previous | PermittedLspCategories) >>> 0;
      if (known) known.permittedLspCategories = combined;
      else state.appCategories.push({ path: app.path, extra: app.extra, permittedLspCategories: combined });
      state.serial++;
      return true;
    });
    if (written === undefined || refusal) return this.#finish(lpErrno, written, refusal);
    if (pPrevPermLspCat) pPrevPermLspCat.value = previous;
    return NO_ERROR;
  }

  /**
   * `WSCGetApplicationCategory`: the LSP categories permitted for the application `(Path, Extra)`.
   * Errors: see `readApplicationIdentity`; NULL `pPermittedLspCategories` → `WSAEFAULT`; an
   * application never categorised → `WSASERVICE_NOT_FOUND` (documented); store failure →
   * `WSANO_RECOVERY`.
   */
  WSCGetApplicationCategory(
    Path: string | null,
    PathLength: number,
    Extra: string | null,
    ExtraLength: number,
    pPermittedLspCategories: Out<number>,
    lpErrno: Out<number>,
  ): number {
    this.#begin();
    const app = readApplicationIdentity(Path, PathLength, Extra, ExtraLength);
    if (isArgumentProblem(app)) return this.#fail(lpErrno, app);
    if (pPermittedLspCategories === null || pPermittedLspCategories === undefined) {
      return this.#fail(lpErrno, { code: WSAEFAULT, reason: 'pPermittedLspCategories is NULL' });
    }
    const state = this.#read();
    if (!state) return this.#storeFailure(lpErrno);
    const known = state.appCategories.find((entry) => entry.path === app.path && entry.extra === app.extra);
    if (!known) {
      return this.#fail(lpErrno, {
        code: WSASERVICE_NOT_FOUND,
        reason: `application ${JSON.stringify(app.path)} ${JSON.stringify(app.extra)} is not categorised`,
      });
    }
    pPermittedLspCategories.value = known.permittedLspCategories;
    return NO_ERROR;
  }

  /**
   * `netsh winsock reset` at the catalog level, as one write (not a Windows function): every entry
   * is removed and `replacement` takes its place, in its order, with new catalog entry IDs from the
   * counter; `serial` goes up by one and the application categories stay.
   *
   * The `dwCatalogEntryId`s of `replacement` are only labels (any distinct DWORDs, such as the IDs
   * a staging catalog gave them). The new IDs follow the order of the labels, so entries staged in
   * another catalog keep their relative numbering, as if installed here one call after another; a
   * chain naming a label is renumbered with it, and a base entry's chain names its own new ID. IDs a
   * chain names that are not labels of `replacement` stay as they are (orphaned chains can be
   * installed, as on Windows).
   *
   * IDs are never reused, with one exception: when the counter cannot number the new entries
   * within the DWORD range (see `LAST_CATALOG_ENTRY_ID`), numbering starts again at 1001 — every
   * entry that could clash is gone, as when Windows recreates a deleted catalog key. So a catalog
   * whose IDs ran out can always be reset.
   *
   * Returns the new IDs, in the order of `replacement`. Throws a `WsaError`: `WSAEINVAL` for a
   * malformed entry or a label used twice, `WSA_NOT_ENOUGH_MEMORY` over `MAX_CATALOG_ENTRIES`, or
   * the store's `CatalogStoreError`.
   */
  resetEntries(replacement: readonly CatalogEntry[]): number[] {
    const seen = new Set<number>();
    replacement.forEach((entry, i) => {
      const where = `replacement[${i}]`;
      const problem =
        describeProviderPathProblem(entry?.path, `${where}.path`) ??
        describeProtocolInfoProblem(entry?.info, `${where}.info`, { identity: true });
      if (problem) throw new WsaError(WSAEINVAL, problem);
      if (!isDword(entry.lspCategories))
        throw new WsaError(WSAEINVAL, `${where}.lspCategories: expected a DWORD`);
      const label = entry.info.dwCatalogEntryId;
      if (seen.has(label)) throw new WsaError(WSAEINVAL, `${where}: ID ${label} is used twice`);
      seen.add(label);
    });
    const rank = new Map([...seen].sort((a, b) => a - b).map((label, i) => [label, i]));
    let ids: number[] = [];
    let refusal: ArgumentProblem | undefined;
    try {
      this.store.update((state) => {
        state.entries = [];
        let first = reserveCatalogEntryIds(state, replacement.length);
        if (typeof first !== 'number' && state.nextCatalogEntryId !== FIRST_CATALOG_ENTRY_ID) {
          // The counter is exhausted: with every entry gone, nothing can clash with IDs from 1001.
          state.nextCatalogEntryId = FIRST_CATALOG_ENTRY_ID;
          first = reserveCatalogEntryIds(state, replacement.length);
        }
        if (typeof first !== 'number') {
          refusal = first;
          return false;
        }
        const base = first;
        const renumber = (id: number) => {
          const position = rank.get(id);
          return position === undefined ? id : base + position;
        };
        ids = replacement.map(({ info }) => renumber(info.dwCatalogEntryId));
        state.entries = replacement.map(({ path, info, lspCategories }, i) => {
          const chain = info.ProtocolChain;
          // A base entry's chain becomes its own new ID in toStoredProtocolInfo; a chain is renumbered.
          const renumbered =
            chain.ChainLen > 1
              ? { ...info, ProtocolChain: { ...chain, ChainEntries: chain.ChainEntries.map(renumber) } }
              : info;
          return { path, info: toStoredProtocolInfo(renumbered, info.ProviderId, ids[i]!), lspCategories };
        });
        state.serial++;
        return true;
      });
    } catch (error) {
      throw this.#asStoreError(error);
    }
    if (refusal) throw new WsaError(refusal.code, refusal.reason);
    return ids;
  }

  /**
   * What a process sees when it calls `WSAStartup`: deep copies of the entries in catalog order,
   * the application categories, and the `serial` they belong to. Later catalog changes do not
   * affect a snapshot. Throws `CatalogStoreError` when the store cannot be read.
   */
  snapshot(): CatalogSnapshot {
    const state = this.#readOrThrow();
    return { serial: state.serial, entries: state.entries, appCategories: state.appCategories };
  }

  /** The entries in catalog order, as copies (not a Windows function). Throws `CatalogStoreError`. */
  entries(): CatalogEntry[] {
    return this.#readOrThrow().entries.map(cloneCatalogEntry);
  }

  /** The change counter, `Serial_Access_Num` (not a Windows function). Throws `CatalogStoreError`. */
  get serial(): number {
    return this.#readOrThrow().serial;
  }

  #readOrThrow(): CatalogState {
    try {
      // Stores hand out copies, so the state can be given away as is.
      return this.store.read();
    } catch (error) {
      throw this.#asStoreError(error);
    }
  }

  #begin(): void {
    this.#lastStoreError = undefined;
    this.#lastFailureReason = undefined;
  }

  #read(): CatalogState | undefined {
    try {
      return this.store.read();
    } catch (error) {
      this.#lastStoreError = this.#asStoreError(error);
      return undefined;
    }
  }

  /** Runs a store update; `undefined` when the store failed (the error is kept), else whether it wrote. */
  #update(mutate: (state: CatalogState) => boolean): boolean | undefined {
    try {
      return this.store.update(mutate);
    } catch (error) {
      this.#lastStoreError = this.#asStoreError(error);
      return undefined;
    }
  }

  #asStoreError(error: unknown): CatalogStoreError {
    if (isCatalogStoreError(error)) return error;
    const reason = error instanceof Error ? error.message : String(error);
    return new CatalogStoreError(
      'io',
      this.store.location,
      `catalog store ${this.store.location} failed: ${reason}`,
      {
        cause: error,
      },
    );
  }

  #fail(lpErrno: Out<number>, problem: ArgumentProblem): number {
    this.#lastFailureReason = problem.reason;
    if (lpErrno) lpErrno.value = problem.code;
    return SOCKET_ERROR;
  }

  #storeFailure(lpErrno: Out<number>): number {
    return this.#fail(lpErrno, {
      code: WSANO_RECOVERY,
      reason: this.#lastStoreError?.message ?? 'catalog store failed',
    });
  }

  #finish(lpErrno: Out<number>, written: boolean | undefined, refusal: ArgumentProblem | undefined): number {
    if (written === undefined) return this.#storeFailure(lpErrno);
    if (refusal) return this.#fail(lpErrno, refusal);
    return NO_ERROR;
  }
}

function checkInfoType(InfoType: number): ArgumentProblem | undefined {
  if (InfoType === ProviderInfoLspCategories) return undefined;
  if (InfoType === ProviderInfoAudit) {
    return {
      code: ERROR_CALL_NOT_IMPLEMENTED,
      reason: 'ProviderInfoAudit is not implemented (as on Windows)',
    };
  }
  return { code: WSAEINVAL, reason: `InfoType ${InfoType} is not a WSC_PROVIDER_INFO_TYPE` };
}

function checkFlags(Flags: number): ArgumentProblem | undefined {
  return Flags === 0 ? undefined : { code: WSAEINVAL, reason: `Flags ${Flags}: no flags are defined` };
}

/** Why `order` is not a permutation of the catalog's IDs, or `undefined` when it is one. */
function describeOrderProblem(
  order: readonly number[],
  entries: readonly CatalogEntry[],
): string | undefined {
  if (order.length !== entries.length) {
    return `${order.length} IDs given; the catalog has ${entries.length} entries`;
  }
  const known = new Set(entries.map((entry) => entry.info.dwCatalogEntryId));
  const seen = new Set<number>();
  for (const id of order) {
    if (!known.has(id)) return `${id} is not a catalog entry ID`;
    if (seen.has(id)) return `${id} is listed twice`;
    seen.add(id);
  }
  return undefined;
}
