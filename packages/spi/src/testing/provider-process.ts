/**
 * A `Ws2` process whose catalog holds one provider's entries, started the way an application or
 * a test sets it up: the entries installed into a fresh catalog (`installTcpProviders`,
 * `installOsiProviders` …) and, for a provider that lives in the test (over a SimNetwork, or with
 * test options), its `WSPStartup` registered in the process's own container (`registerProvider`).
 * Without one the entries keep the path they name (a package the dispatcher imports).
 *
 * @example
 * const proc = startProviderProcess({
 *   install: (catalog, path) => installTcpProviders(catalog, path ? { path } : {}),
 *   register: createTcpProvider({ streams: host.streams, datagrams: host.datagrams }).WSPStartup,
 * });
 * // … Socket.create(proc.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP) …
 * proc.end();
 * @module
 */

import type { DependencyContainer } from 'tsyringe';
import { Catalog } from '../catalog/catalog';
import { MAKEWORD } from '../constants/socket-api';
import { registerProvider } from '../dispatcher/provider-registry';
import { Ws2 } from '../dispatcher/ws2';
import type { LPWSPSTARTUP } from '../spi/wsp-proc-table';
import { emptyWsaData } from '../types/wsadata';

/** The provider path a registered `WSPStartup` is installed under unless `path` says otherwise. */
export const TEST_PROVIDER_PATH = 'test:provider';

/** What `startProviderProcess` installs and registers. */
export interface ProviderProcessOptions {
  /**
   * Installs the provider's entries into the process's fresh catalog. `path` is the provider path
   * the entries must name when `register` is given (the registered `WSPStartup`), and undefined
   * otherwise (the entries keep their own path).
   */
  install(catalog: Catalog, path: string | undefined): void;
  /** The provider's `WSPStartup`, registered in the process's own container at `path`. */
  register?: LPWSPSTARTUP;
  /** The provider path for `register` (default `TEST_PROVIDER_PATH`). */
  path?: string;
}

/** A started `Ws2` process and how to end it. */
export interface ProviderProcess {
  /** The process, started. */
  ws2: Ws2;
  /** Its catalog, holding the provider's entries. */
  catalog: Catalog;
  /**
   * `WSACleanup` until the startup count is 0: the provider resets and frees every socket it
   * still holds (`WSPCleanup`). Idempotent.
   */
  end(): void;
}

/**
 * Starts a `Ws2` process (`WSAStartup(2.2)`) over a fresh catalog holding the entries `install`
 * puts there, in a fresh child container of tsyringe's root.
 * @throws Error when `WSAStartup` fails.
 *
 * @example
 * const proc = startProviderProcess({ install: (catalog) => installTcpProviders(catalog) });
 * const s = await Socket.create(proc.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
 * proc.end();
 */
export function startProviderProcess(options: ProviderProcessOptions): ProviderProcess {
  const catalog = new Catalog();
  const container = freshContainer();
  const path = options.register ? (options.path ?? TEST_PROVIDER_PATH) : undefined;
  if (options.register && path) registerProvider(container, path, options.register);
  options.install(catalog, path);
  const ws2 = new Ws2({ catalog, container });
  const rc = ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
  if (rc !== 0) throw new Error(`WSAStartup failed: ${rc}`);
  let ended = false;
  return {
    ws2,
    catalog,
    end: () => {
      if (ended) return;
      ended = true;
      while (ws2.startupReferences > 0) ws2.WSACleanup();
    },
  };
}

/** A fresh child of tsyringe's root container; loaded lazily because tsyringe needs the Reflect polyfill first. */
function freshContainer(): DependencyContainer {
  require('reflect-metadata');
  const tsyringe = require('tsyringe') as typeof import('tsyringe');
  return tsyringe.container.createChildContainer();
}
