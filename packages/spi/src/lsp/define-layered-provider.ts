/**
 * `defineLayeredProvider`: a layered service provider in a few lines. The toolkit does what every
 * LSP's `WSPStartup` must (WSPStartup remarks; the Microsoft sample's `common/provider.cpp`):
 *
 * 1. find its own position in `lpProtocolInfo.ProtocolChain` — by its own layered entries, in
 *    either chain convention (see `walkProtocolChain`);
 * 2. find the next provider, get its path with `WPUGetProviderPath`, load it through the process
 *    (`providerHost(UpcallTable).loadProvider`, the `LoadLibrary` of this system) and call its
 *    `WSPStartup` with the same upcall table — handing down the protocol info unmodified to
 *    another layer, or the base provider's own info to the base;
 * 3. check the next provider's table (`WSAEINVALIDPROCTABLE`), copy its `WSPDATA` up, and fill
 *    its own table with a pass-through in the chosen style (IFS or non-IFS) plus the layer's
 *    overrides.
 *
 * A chain that cannot be walked, that does not contain the layer, or whose next provider cannot be
 * loaded makes `WSPStartup` fail with `WSAEPROVIDERFAILEDINIT` — what the application then gets
 * from `socket()` ("The requested service provider could not be loaded or initialized", as
 * Microsoft's KB811259 describes for broken LSP chains). The reasons are kept in `startupFailures`.
 *
 * @example
 * // An inspector that counts the bytes an application sends.
 * let sent = 0;
 * export const { WSPStartup } = defineLayeredProvider({
 *   description: 'byte counter',
 *   style: 'ifs',
 *   calls: {
 *     lpWSPSend: (next) => async (s, bufs, count, sentOut, flags, ov, cr, tid, errno) => {
 *       const rc = await next(s, bufs, count, sentOut, flags, ov, cr, tid, errno);
 *       if (rc === 0 && sentOut) sent += sentOut.value;
 *       return rc;
 *     },
 *   },
 * });
 * @module
 */

import type { CatalogEntry } from '../catalog/catalog-entry';
import { WSAEFAULT, WSAEPROVIDERFAILEDINIT } from '../constants/error-codes';
import { SIO_GET_EXTENSION_FUNCTION_POINTER } from '../constants/mswsock';
import { type ProviderHost, providerHost, reportStartupFailure } from '../dispatcher/provider-host';
import {
  type LPWSPSTARTUP,
  type WSPPROC_TABLE,
  WSPPROC_TABLE_MEMBERS,
  type WspProcName,
} from '../spi/wsp-proc-table';
import type { SOCKET } from '../spi/wsp-types';
import type { WSPUPCALLTABLE } from '../spi/wsp-upcall-table';
import type { GUID } from '../types/guid';
import { out } from '../types/out-cell';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { expectedChainPosition } from './chain-position-hint';
import { type ExtensionFunctionName, extensionFunctionName } from './extension-call-shapes';
import { ifsPassThrough } from './ifs-pass-through';
import { LayerInstance, type LayerSocket, type LayerStyle } from './layer-instance';
import type { LayerRoute } from './layer-route';
import { LayerSocketTable } from './layer-socket-table';
import { nonIfsPassThrough } from './non-ifs-pass-through';

/** Any member of `WSPPROC_TABLE`, for code that wraps all 30 alike. */
// biome-ignore lint/suspicious/noExplicitAny: the 30 members have 30 signatures; a generic wrapper forwards them untouched.
export type AnyWspFunction = (...args: any[]) => any;

/** What a layer's overrides can see of the layer they belong to (one per `WSPStartup`). */
export interface LayerContext {
  /** The layer's `WSPDATA.szDescription`. */
  readonly description: string;
  /** `'ifs'` or `'non-ifs'`: how the layer presents its sockets. */
  readonly style: LayerStyle;
  /**
   * The upcall table this layer's `WSPStartup` received, which it hands down to the next provider.
   * Other providers of the process hold their own copies: per-process state keys on `host`.
   */
  readonly upcalls: WSPUPCALLTABLE;
  /** The process this layer runs in: its catalog snapshot and provider loader. */
  readonly host: ProviderHost;
  /** The protocol info `WSPStartup` received (the chain this layer serves). */
  readonly protocolInfo: WSAPROTOCOL_INFOW;
  /** The way down for that chain: the next provider and its table. */
  readonly route: LayerRoute;
  /** The catalog entry ID this layer claims its handles with. */
  readonly catalogEntryId: number;
  /** This layer's index in the chain (0 = called first). */
  readonly position: number;
  /**
   * Where a call on `s` goes next: the next provider's table and its handle for the socket (the
   * lower handle for a non-IFS layer, `s` itself for an IFS one); undefined for a handle that is
   * not this layer's.
   */
  lower(s: SOCKET):
    | {
        /** The next provider's table. */
        table: WSPPROC_TABLE;
        /** Its handle for the socket. */
        socket: SOCKET;
      }
    | undefined;
  /**
   * A non-IFS layer's `closesocket` that the layer finishes itself: releases the handle `s`
   * (`WPUCloseSocketHandle`) without closing the socket below, and hands that socket over — the
   * layer must close it (after sending what it still holds, as Windows finishes a graceful close in
   * the background), or has closed it already. Undefined for a handle that is not this layer's,
   * and always in an IFS layer, whose handles are the provider's own.
   */
  detach(s: SOCKET):
    | {
        /** The next provider's table. */
        table: WSPPROC_TABLE;
        /** Its handle for the socket, now the layer's to close. */
        socket: SOCKET;
      }
    | undefined;
}

/** Any extension function, for code that wraps them all alike. */
// biome-ignore lint/suspicious/noExplicitAny: seven functions, seven signatures; a generic wrapper forwards them untouched.
export type AnyExtensionFunction = (...args: any[]) => any;

/** Overrides of single members: each receives the function it replaces (`next`) and returns the new one. */
export type WspOverrides = {
  [K in WspProcName]?: (next: WSPPROC_TABLE[K], layer: LayerContext) => WSPPROC_TABLE[K];
};

/** What a layered provider is. */
export interface LayeredProviderDefinition {
  /** `WSPDATA.szDescription` of the layer. */
  description: string;
  /**
   * `'non-ifs'`: the layer mints its own handles and forwards all 30 calls (it sees every call,
   * and works over any provider); `'ifs'`: the layer returns the lower provider's handles and
   * only the calls it overrides (plus the few an IFS layer must) pass through it.
   */
  style: LayerStyle;
  /**
   * The LSP's GUID (the ProviderId of its layered entry), like the sample's compiled-in
   * `gProviderGuid`. Without it the layer recognises as its own every layered entry whose provider
   * path loads this very `WSPStartup`.
   */
  providerId?: GUID;
  /** Wraps every one of the 30 members (applied first): for tracers and fault injectors. */
  around?: (name: WspProcName, next: AnyWspFunction, layer: LayerContext) => AnyWspFunction;
  /**
   * Wraps every extension function the layer hands out through
   * `WSPIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)` — a non-IFS layer's own, an IFS layer's lower
   * provider's — so tracers and fault injectors see `AcceptEx`, `ConnectEx` … too.
   */
  aroundExtension?: (
    name: ExtensionFunctionName,
    next: AnyExtensionFunction,
    layer: LayerContext,
  ) => AnyExtensionFunction;
  /** Overrides of single members (applied over `around`). */
  calls?: WspOverrides;
  /** Runs once per successful `WSPStartup`, after the table is filled. */
  onStartup?: (layer: LayerContext) => void;
}

/** A layered provider: the `WSPStartup` a catalog path names, plus what it reports about itself. */
export interface LayeredProvider {
  /** The layer's `WSPStartup`: what its provider path names. */
  readonly WSPStartup: LPWSPSTARTUP;
  /** `WSPDATA.szDescription` of the layer. */
  readonly description: string;
  /** `'ifs'` or `'non-ifs'`. */
  readonly style: LayerStyle;
  /** Why recent `WSPStartup`s (or lazy route starts) failed, oldest first; at most 50. */
  readonly startupFailures: readonly string[];
}

const MAX_RECORDED_FAILURES = 50;

function contextOf(instance: LayerInstance): LayerContext {
  return {
    description: instance.description,
    style: instance.style,
    upcalls: instance.upcalls,
    host: instance.host,
    protocolInfo: instance.protocolInfo,
    route: instance.startup.route,
    catalogEntryId: instance.startup.claimId,
    position: instance.startup.route.position,
    lower: (s) => {
      if (instance.style === 'ifs') return { table: instance.startup.route.lower, socket: s };
      const socket = instance.lookup(s, out(0));
      return socket ? { table: socket.route.lower, socket: socket.lower } : undefined;
    },
    detach: (s) => {
      if (instance.style === 'ifs') return undefined;
      const socket = instance.lookup(s, out(0));
      if (!socket) return undefined;
      instance.release(socket);
      return { table: socket.route.lower, socket: socket.lower };
    },
  };
}

/** Builds a layered provider. Nothing is started until a process calls its `WSPStartup`. */
export function defineLayeredProvider(definition: LayeredProviderDefinition): LayeredProvider {
  if (definition.style !== 'ifs' && definition.style !== 'non-ifs') {
    throw new TypeError(
      `defineLayeredProvider: style must be 'ifs' or 'non-ifs', not ${String(definition.style)}`,
    );
  }
  const startupFailures: string[] = [];
  // The layer's sockets per process, shared by its startups there (see LayerSocketTable); weak,
  // so a process that is gone takes its table with it.
  const socketTables = new WeakMap<ProviderHost, LayerSocketTable<LayerSocket, LayerInstance>>();
  const record = (reason: string): void => {
    startupFailures.push(reason);
    if (startupFailures.length > MAX_RECORDED_FAILURES) startupFailures.shift();
  };

  const WSPStartup: LPWSPSTARTUP = (
    wVersionRequested,
    lpWSPData,
    lpProtocolInfo,
    UpcallTable,
    lpProcTable,
  ) => {
    if (!lpWSPData || !lpProcTable || !lpProtocolInfo || !UpcallTable) return WSAEFAULT;
    const host = providerHost(UpcallTable);
    if (!host) {
      record('the upcall table was not handed out by a ws2spi process (providerHost found nothing)');
      return WSAEPROVIDERFAILEDINIT;
    }
    const isOwn = (layered: CatalogEntry): boolean =>
      definition.providerId !== undefined
        ? layered.info.ProviderId === definition.providerId
        : host.loadProvider(layered.path) === WSPStartup;
    let sockets = socketTables.get(host);
    if (!sockets) {
      sockets = new LayerSocketTable();
      socketTables.set(host, sockets);
    }
    const instance = new LayerInstance({
      description: definition.description,
      style: definition.style,
      upcalls: UpcallTable,
      host,
      version: wVersionRequested,
      protocolInfo: lpProtocolInfo,
      isOwn,
      reportFailure: (reason) => {
        // Kept here, and told to the process, which gives it to the application as the cause.
        record(`${definition.description}: ${reason}`);
        reportStartupFailure(UpcallTable, `${definition.description}: ${reason}`);
      },
      sockets,
    });
    const rc = instance.start(expectedChainPosition(lpProtocolInfo));
    if (rc !== 0) return rc;
    let table: WSPPROC_TABLE;
    let context: LayerContext;
    try {
      table = definition.style === 'ifs' ? ifsPassThrough(instance) : nonIfsPassThrough(instance);
      context = contextOf(instance);
      const aroundExtension = definition.aroundExtension;
      if (aroundExtension)
        table = { ...table, lpWSPIoctl: wrapExtensionPointers(table.lpWSPIoctl, aroundExtension, context) };
      const around = definition.around;
      if (around) {
        const wrapped = { ...table } as Record<WspProcName, AnyWspFunction>;
        for (const name of WSPPROC_TABLE_MEMBERS) wrapped[name] = around(name, wrapped[name], context);
        table = wrapped as unknown as WSPPROC_TABLE;
      }
      for (const name of WSPPROC_TABLE_MEMBERS) {
        const override = definition.calls?.[name] as
          | ((next: AnyWspFunction, layer: LayerContext) => AnyWspFunction)
          | undefined;
        if (override)
          (table as unknown as Record<WspProcName, AnyWspFunction>)[name] = override(table[name], context);
      }
    } catch (error) {
      record(
        `${definition.description}: building the table threw: ${(error as Error)?.message ?? String(error)}`,
      );
      instance.cleanup(out(0));
      return WSAEPROVIDERFAILEDINIT;
    }
    const lowerData = instance.startup.route.lowerData;
    lpWSPData.wVersion = lowerData.wVersion;
    lpWSPData.wHighVersion = lowerData.wHighVersion;
    lpWSPData.szDescription = definition.description.slice(0, 255);
    Object.assign(lpProcTable, table);
    definition.onStartup?.(context);
    return 0;
  };

  return { WSPStartup, description: definition.description, style: definition.style, startupFailures };
}

/**
 * `WSPIoctl` whose extension-function answers are wrapped with `aroundExtension` (each function
 * wrapped once, so the same pointer comes back for the same lower function).
 */
function wrapExtensionPointers(
  ioctl: WSPPROC_TABLE['lpWSPIoctl'],
  aroundExtension: NonNullable<LayeredProviderDefinition['aroundExtension']>,
  context: LayerContext,
): WSPPROC_TABLE['lpWSPIoctl'] {
  const wrapped = new WeakMap<AnyExtensionFunction, AnyExtensionFunction>();
  return (s, code, inBuffer, cbIn, outBuffer, cbOut, bytes, ov, routine, thread, lpErrno) => {
    const rc = ioctl(s, code, inBuffer, cbIn, outBuffer, cbOut, bytes, ov, routine, thread, lpErrno);
    const name =
      code >>> 0 === SIO_GET_EXTENSION_FUNCTION_POINTER ? extensionFunctionName(inBuffer) : undefined;
    const fn = outBuffer?.value;
    if (rc === 0 && name !== undefined && typeof fn === 'function') {
      let w = wrapped.get(fn as AnyExtensionFunction);
      if (!w) {
        w = aroundExtension(name, fn as AnyExtensionFunction, context);
        wrapped.set(fn as AnyExtensionFunction, w);
      }
      outBuffer!.value = w;
    }
    return rc;
  };
}

/** A layer that does nothing but pass every call through, in the given style. */
export function definePassThroughLayer(
  options: { description?: string; style?: LayerStyle; providerId?: GUID } = {},
): LayeredProvider {
  const style = options.style ?? 'non-ifs';
  return defineLayeredProvider({
    description: options.description ?? `pass-through (${style})`,
    style,
    providerId: options.providerId,
  });
}
