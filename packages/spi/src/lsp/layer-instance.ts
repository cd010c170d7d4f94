import type { CatalogEntry } from '../catalog/catalog-entry';
import {
  WSAEINVAL,
  WSAEINVALIDPROCTABLE,
  WSAENOTSOCK,
  WSAEPROVIDERFAILEDINIT,
  WSANOTINITIALISED,
} from '../constants/error-codes';
import { INVALID_SOCKET, SOCKET_ERROR } from '../constants/socket-api';
import type { ProviderHost } from '../dispatcher/provider-host';
import { missingProcTableMembers, type WSPPROC_TABLE } from '../spi/wsp-proc-table';
import type { HWND, LPINT, SOCKET } from '../spi/wsp-types';
import type { WSPUPCALLTABLE } from '../spi/wsp-upcall-table';
import { out } from '../types/out-cell';
import { cloneProtocolInfo, type WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { emptyWspData } from '../types/wsadata';
import { handDownAtPosition } from './chain-position-hint';
import type { LayerRoute } from './layer-route';
import { LayerSocketTable } from './layer-socket-table';
import { NonIfsOverlapped } from './non-ifs-overlapped';
import { type EntryLookup, entryLookup, isChainProblem, walkProtocolChain } from './protocol-chain-walk';

/** The overlapped engine of a non-IFS layer in one process, shared like its socket table. */
const engines = new WeakMap<object, NonIfsOverlapped>();

/** How a layer presents its sockets: the lower provider's handles (IFS) or handles of its own. */
export type LayerStyle = 'ifs' | 'non-ifs';

/** A route resolved for one call: the way down, and the catalog entry ID this layer claims handles with. */
export interface ResolvedRoute {
  /** The way down: the next provider and its table, for the chain the call is on. */
  readonly route: LayerRoute;
  /**
   * The ID handles are claimed with (`WPUCreateSocketHandle` / `WPUModifyIFSHandle`): the entry the
   * dispatcher selected when this layer is on top (so it routes later calls here), else the ID that
   * stands for this layer in the chain.
   */
  readonly claimId: number;
}

/** A socket of a non-IFS layer: the handle the layer above sees, and the lower provider's handle behind it. */
export interface LayerSocket {
  /** The handle minted by `WPUCreateSocketHandle` (what the application or the layer above uses). */
  handle: SOCKET;
  /** The next provider's handle for the same socket. */
  readonly lower: SOCKET;
  /** The way down this socket's calls take. */
  readonly route: LayerRoute;
  /** The protocol info the socket was created with (what `SO_PROTOCOL_INFOW` reports). */
  readonly info: WSAPROTOCOL_INFOW;
  /** The catalog entry the handle was claimed with. */
  readonly catalogEntryId: number;
}

/** What a layer instance needs from the provider definition that made it. */
export interface LayerInstanceOptions {
  /** `WSPDATA.szDescription` of the layer. */
  readonly description: string;
  /** `'ifs'` or `'non-ifs'`: how the layer presents its sockets. */
  readonly style: LayerStyle;
  /** The upcall table `WSPStartup` received, handed down to the next provider. */
  readonly upcalls: WSPUPCALLTABLE;
  /** The process that started the layer (`providerHost(UpcallTable)`). */
  readonly host: ProviderHost;
  /** The SPI version `WSPStartup` was asked for (`wVersionRequested`). */
  readonly version: number;
  /** The protocol info `WSPStartup` received. */
  readonly protocolInfo: WSAPROTOCOL_INFOW;
  /** True for a layered (ChainLen 0) entry that belongs to this provider. */
  readonly isOwn: (layered: CatalogEntry) => boolean;
  /** Records why a startup, or a route started later, failed. */
  readonly reportFailure: (reason: string) => void;
  /**
   * The non-IFS sockets of this layer in this process, shared by all its startups there (see
   * `LayerSocketTable`); default a table of this startup's own.
   */
  readonly sockets?: LayerSocketTable<LayerSocket, LayerInstance>;
}

/**
 * One started layer: what one `WSPStartup` of a layered provider set up — its routes to the next
 * provider (one per chain below it) — and, for a non-IFS layer, its view of the layer's sockets in
 * the process (shared with the layer's other startups there, as the Microsoft sample's
 * `SOCK_INFO` list is a global; each socket remembers the startup that made it, whose
 * `WSPCleanup` releases it).
 */
export class LayerInstance {
  /** `WSPDATA.szDescription` of the layer. */
  readonly description: string;
  /** `'ifs'` or `'non-ifs'`. */
  readonly style: LayerStyle;
  /** The upcall table this startup received. */
  readonly upcalls: WSPUPCALLTABLE;
  /** The process this layer runs in. */
  readonly host: ProviderHost;
  /** The SPI version `WSPStartup` was asked for. */
  readonly version: number;
  /** The protocol info `WSPStartup` received: the chain this startup serves. */
  readonly protocolInfo: WSAPROTOCOL_INFOW;
  /** The route started by `WSPStartup` (set by `start`). */
  startup!: ResolvedRoute;
  private readonly isOwn: (layered: CatalogEntry) => boolean;
  private readonly reportFailure: (reason: string) => void;
  private readonly lookupEntry: EntryLookup;
  private readonly routes = new Map<string, LayerRoute>();
  private readonly sockets: LayerSocketTable<LayerSocket, LayerInstance>;
  private cleanedUp = false;

  constructor(options: LayerInstanceOptions) {
    this.description = options.description;
    this.style = options.style;
    this.upcalls = options.upcalls;
    this.host = options.host;
    this.version = options.version;
    this.protocolInfo = cloneProtocolInfo(options.protocolInfo);
    this.isOwn = options.isOwn;
    this.reportFailure = options.reportFailure;
    this.lookupEntry = entryLookup(options.host.snapshot.entries);
    this.sockets = options.sockets ?? new LayerSocketTable();
  }

  /** True after the layer's `WSPCleanup`. */
  get isCleanedUp(): boolean {
    return this.cleanedUp;
  }

  /** Resolves and starts the route for the startup protocol info; 0 or the error `WSPStartup` returns. */
  start(positionHint: number): number {
    const resolved = this.resolve(this.protocolInfo, positionHint);
    if (typeof resolved === 'number') return resolved;
    this.startup = resolved;
    return 0;
  }

  /**
   * The route for a call that received `info` (the chain it serves), starting the next provider on
   * first use (`WSPSocket` may name a chain entry other than the one `WSPStartup` was given). A
   * number is the Winsock error: `WSAEPROVIDERFAILEDINIT` for a chain that cannot be walked, that
   * does not contain this layer, or whose next provider cannot be loaded; the next provider's own
   * `WSPStartup` error; or `WSAEINVALIDPROCTABLE` for an incomplete table.
   */
  resolve(info: WSAPROTOCOL_INFOW | null | undefined, positionHint: number): ResolvedRoute | number {
    const given = info ?? this.protocolInfo;
    if (typeof given !== 'object' || given === null || typeof given.ProtocolChain !== 'object')
      return WSAEINVAL;
    const walked = walkProtocolChain(given, this.lookupEntry);
    if (isChainProblem(walked)) {
      this.reportFailure(`chain of entry ${given.dwCatalogEntryId} is broken: ${walked.reason}`);
      return WSAEPROVIDERFAILEDINIT;
    }
    const position = walked.layers.findIndex((layer, i) => i >= positionHint && this.isOwn(layer.layered));
    if (position < 0) {
      this.reportFailure(
        `none of this provider's layered entries is in the chain of entry ${given.dwCatalogEntryId} at or below position ${positionHint}`,
      );
      return WSAEPROVIDERFAILEDINIT;
    }
    const claimId = position === 0 ? given.dwCatalogEntryId : walked.layers[position].entryId;
    const key = [
      ...walked.layers.slice(position + 1).map((layer) => layer.entryId),
      walked.base.info.dwCatalogEntryId,
    ].join(':');
    let route = this.routes.get(key);
    if (!route) {
      const started = this.startRoute(walked, position, given);
      if (typeof started === 'number') return started;
      route = started;
      this.routes.set(key, route);
    }
    return { route, claimId };
  }

  private startRoute(
    chain: LayerRoute['chain'],
    position: number,
    given: WSAPROTOCOL_INFOW,
  ): LayerRoute | number {
    const nextLayer = chain.layers[position + 1];
    const next = nextLayer ? this.lookupEntry(nextLayer.entryId) : chain.base;
    if (!next) return WSAEPROVIDERFAILEDINIT;
    const nextIsBase = nextLayer === undefined;
    const nextPath = this.providerPath(next);
    if (nextPath === undefined) return WSAEPROVIDERFAILEDINIT;
    const startup = this.host.loadProvider(nextPath);
    if (!startup) {
      this.reportFailure(
        `the next provider '${nextPath}' (entry ${next.info.dwCatalogEntryId}) cannot be loaded`,
      );
      return WSAEPROVIDERFAILEDINIT;
    }
    const base = chain.base;
    const infoForNext = (info: WSAPROTOCOL_INFOW): WSAPROTOCOL_INFOW =>
      nextIsBase
        ? { ...cloneProtocolInfo(base.info), dwProviderReserved: info.dwProviderReserved }
        : handDownAtPosition(cloneProtocolInfo(info), position + 1);
    const lowerData = emptyWspData();
    const table: Partial<WSPPROC_TABLE> = {};
    let rc: number;
    try {
      rc = startup(this.version, lowerData, infoForNext(given), this.upcalls, table);
    } catch (error) {
      this.reportFailure(`WSPStartup of '${nextPath}' threw: ${(error as Error)?.message ?? String(error)}`);
      return WSAEPROVIDERFAILEDINIT;
    }
    if (rc !== 0) {
      this.reportFailure(`WSPStartup of '${nextPath}' returned ${rc}`);
      return typeof rc === 'number' && rc > 0 ? rc : WSAEPROVIDERFAILEDINIT;
    }
    const missing = missingProcTableMembers(table);
    if (missing.length > 0) {
      this.reportFailure(`'${nextPath}' filled an incomplete WSPPROC_TABLE: missing ${missing.join(', ')}`);
      try {
        table.lpWSPCleanup?.(out(0));
      } catch {
        // The lower provider is already broken; its cleanup cannot make this worse.
      }
      return WSAEINVALIDPROCTABLE;
    }
    return {
      chain,
      position,
      next,
      nextIsBase,
      nextPath,
      nextProvider: startup,
      lower: { ...(table as WSPPROC_TABLE) },
      lowerData,
      infoForNext,
    };
  }

  /** `WPUGetProviderPath` for an entry's ProviderId, as the sample's `LoadProviderPath` does. */
  private providerPath(entry: CatalogEntry): string | undefined {
    const path = out('');
    const length = out(32767);
    const errno = out(0);
    if (this.upcalls.lpWPUGetProviderPath(entry.info.ProviderId, path, length, errno) !== 0) {
      this.reportFailure(`WPUGetProviderPath(${entry.info.ProviderId}) failed with ${errno.value}`);
      return undefined;
    }
    return path.value;
  }

  // ── non-IFS sockets ──────────────────────────────────────────────────────────────────────────

  /**
   * Gives a lower socket a handle of this layer (`WPUCreateSocketHandle` with the context), or, if
   * that fails, closes the lower socket again and returns `INVALID_SOCKET` with the upcall's error.
   */
  adopt(lower: SOCKET, route: LayerRoute, info: WSAPROTOCOL_INFOW, claimId: number, lpErrno: LPINT): SOCKET {
    const context: LayerSocket = {
      handle: INVALID_SOCKET,
      lower,
      route,
      info: cloneProtocolInfo(info),
      catalogEntryId: claimId,
    };
    const handle = this.upcalls.lpWPUCreateSocketHandle(claimId, context, lpErrno);
    if (handle === INVALID_SOCKET) {
      route.lower.lpWSPCloseSocket(lower, out(0));
      return INVALID_SOCKET;
    }
    context.handle = handle;
    this.sockets.add(context, this);
    return handle;
  }

  /**
   * The socket behind one of this layer's handles, found through `WPUQuerySocketHandleContext` as
   * the sample's `FindAndRefSocketContext` does; any failure — or a context that some other provider
   * stored — is `WSAENOTSOCK`.
   */
  lookup(s: SOCKET, lpErrno: LPINT): LayerSocket | undefined {
    const context = out<unknown>(undefined);
    const found =
      this.upcalls.lpWPUQuerySocketHandleContext(s, context, out(0)) === 0 &&
      this.sockets.has(context.value as LayerSocket);
    if (!found) {
      lpErrno.value = WSAENOTSOCK;
      return undefined;
    }
    return context.value as LayerSocket;
  }

  /** The socket of this layer whose lower handle is `lower`. */
  byLowerHandle(lower: SOCKET): LayerSocket | undefined {
    return this.sockets.byLower(lower);
  }

  /** Forgets a closed socket and releases its handle (`WPUCloseSocketHandle`). */
  release(socket: LayerSocket): void {
    this.sockets.delete(socket);
    this.upcalls.lpWPUCloseSocketHandle(socket.handle, out(0));
  }

  /**
   * The overlapped engine of this layer in this process (`non-ifs-overlapped.ts`): every startup
   * of the layer shares it, as they share the sockets.
   */
  get overlapped(): NonIfsOverlapped {
    let engine = engines.get(this.sockets);
    if (!engine) {
      engine = new NonIfsOverlapped(this);
      engines.set(this.sockets, engine);
    }
    return engine;
  }

  /**
   * Forgets a socket the application closed; its handle is released once the overlapped requests
   * in flight on it have completed (their completions still go to it), as the sample does.
   */
  releaseWhenIdle(socket: LayerSocket): void {
    this.sockets.delete(socket);
    this.overlapped.releaseWhenIdle(socket);
  }

  /**
   * A stand-in window for `WSPAsyncSelect` on `socket`: the lower provider posts its messages with
   * its own handle in `wParam`; the application must see its own handle, so messages are rewritten
   * on the way (the sample runs its own async window for the same reason). The socket's own
   * messages keep its handle even when delivered after `closesocket` (they were posted before,
   * and a posted message stays queued); messages for sockets accepted from it (which inherit its
   * selection) are mapped through the layer's table. A lower handle the layer does not know is
   * never shown to the application: that message is dropped.
   */
  proxyWindow(hWnd: HWND, socket: LayerSocket): HWND {
    return {
      post: (uMsg, wParam, lParam) => {
        const handle = wParam === socket.lower ? socket.handle : this.sockets.byLower(wParam)?.handle;
        if (handle !== undefined) hWnd.post(uMsg, handle, lParam);
      },
    };
  }

  /**
   * `WSPCleanup`: cleans up every route's next provider (which resets its sockets) and releases
   * this layer's handles. A second call is `WSANOTINITIALISED`.
   */
  cleanup(lpErrno: LPINT): number {
    if (this.cleanedUp) {
      lpErrno.value = WSANOTINITIALISED;
      return SOCKET_ERROR;
    }
    this.cleanedUp = true;
    for (const route of this.routes.values()) {
      try {
        route.lower.lpWSPCleanup(out(0));
      } catch {
        // A lower provider that throws in cleanup must not keep the others from cleaning up.
      }
    }
    this.routes.clear();
    for (const socket of this.sockets.ownedBy(this)) this.release(socket);
    return 0;
  }
}
