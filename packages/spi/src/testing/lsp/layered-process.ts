/**
 * An isolated Winsock "machine" for a test, in one call: a fresh catalog, base providers, a stack
 * of layered providers installed over them the way Windows installs LSPs, and a started `Ws2`
 * process — torn down again with one call (or after each test with `useLayeredProcess`).
 *
 * @example
 * const log = new TraceLog();
 * const proc = await createLayeredProcess({
 *   bases: (catalog, container) => installInMemoryProvider(catalog, container, { network, host: 'a' }),
 *   layers: [
 *     { name: 'A', provider: createTracerLayer({ name: 'A', log }) },   // top: called first
 *     { name: 'B', provider: createTracerLayer({ name: 'B', log }) },
 *   ],
 * });
 * const s = await proc.ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);   // goes A → B → base
 * await proc.teardown();
 * @module
 */

import { randomUUID } from 'node:crypto';
import type { DependencyContainer } from 'tsyringe';
import { Catalog } from '../../catalog/catalog';
import { ProviderInfoLspCategories } from '../../constants/lsp-categories';
import { XP1_IFS_HANDLES } from '../../constants/service-flags';
import { MAKEWORD } from '../../constants/socket-api';
import { registerProvider } from '../../dispatcher/provider-registry';
import { Ws2 } from '../../dispatcher/ws2';
import { WsaError } from '../../errors/wsa-error';
import type { LayeredProvider } from '../../lsp/define-layered-provider';
import { installLayeredProviderPreVista } from '../../lsp/install-layered-provider-pre-vista';
import {
  type InstalledLayeredProvider,
  installProviderAndChains,
  type LayeredInstallOutcome,
} from '../../lsp/install-provider-and-chains';
import type { GUID } from '../../types/guid';
import { out } from '../../types/out-cell';
import { isBaseEntry, isLayeredEntry, type WSAPROTOCOL_INFOW } from '../../types/protocol-info';
import { emptyWsaData } from '../../types/wsadata';

/** One layered provider to install. */
export interface LayerSpec {
  /** The LSP's name (its layered entry's `szProtocol`); its provider path is `lsp:<name>`. */
  name: string;
  /** The layered provider (`createTracerLayer`, `defineLayeredProvider` …). */
  provider: LayeredProvider;
  /** The LSP's GUID (default: a new one). */
  providerId?: GUID;
  /** `LSP_*` categories, set with `WSCSetProviderInfo` after installing. */
  categories?: number;
}

/** A protocol triple to layer over. */
export type ProtocolTriple = Pick<WSAPROTOCOL_INFOW, 'iAddressFamily' | 'iSocketType' | 'iProtocol'>;

/** What `createLayeredProcess` builds. */
export interface LayeredProcessOptions {
  /**
   * Installs the base providers: entries in `catalog`, `WSPStartup`s registered in `container`
   * (e.g. `installInMemoryProvider(catalog, container, …)` or `installTcpProviders(catalog)`).
   */
  bases: (catalog: Catalog, container: DependencyContainer) => unknown;
  /** The layers, top (called first) to bottom. Each is installed over the one below it. */
  layers?: readonly LayerSpec[];
  /** The triples to layer over (default: every distinct triple of the base entries). */
  protocols?: readonly ProtocolTriple[];
  /**
   * `'and-chains'` (default): `WSCInstallProviderAndChains`, chains `[dummyA, dummyB, …, base]`;
   * `'pre-vista'`: the sample's `WSCInstallProvider` + `WSCWriteProviderOrder` path, chains
   * `[dummyA, chainEntryOfB, base]`.
   */
  install?: 'and-chains' | 'pre-vista';
  /** The catalog to use (default: a fresh in-memory one). */
  catalog?: Catalog;
  /** The container the providers are registered in (default: a fresh child of tsyringe's root). */
  container?: DependencyContainer;
  /** The `Ws2` process's application identity, for LSP categories. */
  applicationPath?: string;
  /** The process's application extra string, for LSP categories. */
  applicationExtra?: string;
  /** Call `WSAStartup(2.2)` on the process (default true). */
  start?: boolean;
}

/** A layer as installed. */
export interface InstalledLayer extends InstalledLayeredProvider {
  /** What was asked for. */
  readonly spec: LayerSpec;
  /** The provider path its entries name (`lsp:<name>`). */
  readonly path: string;
}

/** An isolated process with its catalog, providers and layers. */
export interface LayeredProcess {
  /** The catalog, with the bases and the layers installed. */
  readonly catalog: Catalog;
  /** The container the providers are registered in. */
  readonly container: DependencyContainer;
  /** The process, started unless `start: false`. */
  readonly ws2: Ws2;
  /** The layers as installed, top first. */
  readonly layers: readonly InstalledLayer[];
  /**
   * Another process over the same catalog (its own container, a child of this one, so it sees
   * the same providers unless `configure` registers others — e.g. a base provider on another
   * SimNetwork host). Started; torn down with this one.
   */
  newProcess(options?: {
    configure?: (container: DependencyContainer) => void;
    applicationPath?: string;
    applicationExtra?: string;
  }): Ws2;
  /** `WSACleanup` on every process until its count is 0 (which closes every socket), then a turn of the event loop. */
  teardown(): Promise<void>;
}

function freshContainer(): DependencyContainer {
  require('reflect-metadata');
  const tsyringe = require('tsyringe') as typeof import('tsyringe');
  return tsyringe.container.createChildContainer();
}

function startedWs2(options: ConstructorParameters<typeof Ws2>[0]): Ws2 {
  const ws2 = new Ws2(options);
  const rc = ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
  if (rc !== 0) throw new WsaError(rc, 'WSAStartup failed', { call: 'WSAStartup' });
  return ws2;
}

/**
 * Every distinct (af, type, protocol) of the catalog's base entries, in catalog order.
 *
 * @example
 * baseProtocolTriples(catalog);   // [{ iAddressFamily: 2, iSocketType: 1, iProtocol: 6 }, …]
 */
export function baseProtocolTriples(catalog: Catalog): ProtocolTriple[] {
  const seen = new Set<string>();
  const triples: ProtocolTriple[] = [];
  for (const { info } of catalog.entries()) {
    const key = `${info.iAddressFamily}/${info.iSocketType}/${info.iProtocol}`;
    if (!isBaseEntry(info) || seen.has(key)) continue;
    seen.add(key);
    triples.push({
      iAddressFamily: info.iAddressFamily,
      iSocketType: info.iSocketType,
      iProtocol: info.iProtocol,
    });
  }
  return triples;
}

/** Installs one layer over the top-most entries for `protocols`. */
function installLayer(
  catalog: Catalog,
  spec: LayerSpec,
  path: string,
  protocols: readonly ProtocolTriple[],
  mode: 'and-chains' | 'pre-vista',
): LayeredInstallOutcome {
  const providerId = spec.providerId ?? randomUUID();
  const ifs = spec.provider.style === 'ifs';
  if (mode === 'and-chains') {
    return installProviderAndChains(catalog, {
      providerId,
      path,
      lspName: spec.name,
      serviceFlags: ifs ? XP1_IFS_HANDLES : 0,
      protocols,
    });
  }
  const entries = catalog.entries();
  const targetIds = protocols.map((triple) => {
    const top = entries.find(
      ({ info }) =>
        !isLayeredEntry(info) &&
        info.iAddressFamily === triple.iAddressFamily &&
        info.iSocketType === triple.iSocketType &&
        info.iProtocol === triple.iProtocol,
    );
    return top?.info.dwCatalogEntryId ?? 0;
  });
  return installLayeredProviderPreVista(catalog, { providerId, path, lspName: spec.name, targetIds, ifs });
}

/**
 * Builds an isolated process (see the module comment). Throws a `WsaError` if an install fails.
 *
 * @example
 * const log = new TraceLog();
 * const proc = await createLayeredProcess({
 *   bases: (catalog, container) => installInMemoryProvider(catalog, container, { network, host: 'a' }),
 *   layers: [{ name: 'A', provider: createTracerLayer({ name: 'A', log }) }],
 * });
 * const s = await Socket.create(proc.ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
 * await proc.teardown();
 */
export async function createLayeredProcess(options: LayeredProcessOptions): Promise<LayeredProcess> {
  const catalog = options.catalog ?? new Catalog();
  const container = options.container ?? freshContainer();
  await options.bases(catalog, container);
  const protocols = options.protocols ?? baseProtocolTriples(catalog);
  const specs = options.layers ?? [];
  const installed: InstalledLayer[] = [];
  // Bottom first: each layer goes over the chains of the one installed before it.
  for (const spec of [...specs].reverse()) {
    const path = `lsp:${spec.name}`;
    registerProvider(container, path, spec.provider.WSPStartup);
    const outcome = installLayer(catalog, spec, path, protocols, options.install ?? 'and-chains');
    if (!outcome.ok)
      throw new WsaError(outcome.code, `installing layer '${spec.name}' failed: ${outcome.reason}`, {
        call: options.install === 'pre-vista' ? 'WSCInstallProvider' : 'WSCInstallProviderAndChains',
      });
    if (spec.categories !== undefined) {
      const lpErrno = out(0);
      const rc = catalog.WSCSetProviderInfo(
        outcome.installed.providerId,
        ProviderInfoLspCategories,
        spec.categories,
        4,
        0,
        lpErrno,
      );
      if (rc !== 0) {
        throw new WsaError(lpErrno.value, `WSCSetProviderInfo for '${spec.name}' failed`, {
          call: 'WSCSetProviderInfo',
        });
      }
    }
    installed.unshift({ ...outcome.installed, spec, path });
  }
  const processes: Ws2[] = [];
  const make = (ws2Options: ConstructorParameters<typeof Ws2>[0], start: boolean): Ws2 => {
    const ws2 = start ? startedWs2(ws2Options) : new Ws2(ws2Options);
    processes.push(ws2);
    return ws2;
  };
  const ws2 = make(
    {
      catalog,
      container,
      applicationPath: options.applicationPath,
      applicationExtra: options.applicationExtra,
    },
    options.start ?? true,
  );
  return {
    catalog,
    container,
    ws2,
    layers: installed,
    newProcess(more = {}) {
      const child = container.createChildContainer();
      more.configure?.(child);
      return make(
        {
          catalog,
          container: child,
          applicationPath: more.applicationPath,
          applicationExtra: more.applicationExtra,
        },
        true,
      );
    },
    async teardown() {
      for (const process of processes) {
        while (process.startupReferences > 0) process.WSACleanup();
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/**
 * Declares, in the calling jest `describe` (or file), a layered process made before each test and
 * torn down after it; returns a getter for the current one.
 *
 * @example
 * const current = useLayeredProcess(() => ({ bases: …, layers: [...] }));
 * it('…', async () => { const { ws2 } = current(); … });
 */
export function useLayeredProcess(
  options: LayeredProcessOptions | (() => LayeredProcessOptions),
): () => LayeredProcess {
  // Loaded here, not at import time: @jest/globals throws outside a jest run.
  const { beforeEach, afterEach } = require('@jest/globals') as typeof import('@jest/globals');
  let current: LayeredProcess | undefined;
  beforeEach(async () => {
    current = await createLayeredProcess(typeof options === 'function' ? options() : options);
  });
  afterEach(async () => {
    const done = current;
    current = undefined;
    await done?.teardown();
  });
  return () => {
    if (!current) throw new Error('useLayeredProcess: no process outside a test (use it inside it/test)');
    return current;
  };
}
