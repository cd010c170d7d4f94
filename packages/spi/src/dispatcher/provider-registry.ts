import type { DependencyContainer } from 'tsyringe';
import type { LPWSPSTARTUP } from '../spi/wsp-proc-table';

/**
 * The DI token under which an in-application provider is registered for a catalog path. A catalog
 * entry whose path is registered in the process's container is served by that `WSPStartup`;
 * any other path is loaded as a module.
 */
export function providerToken(path: string): string {
  return `ws2spi:provider:${path}`;
}

/**
 * A fresh DI container for one `Ws2` process (`new Ws2({ catalog, container })`) and its
 * `registerProvider` calls: a child of tsyringe's root container, so registrations stay in it.
 * Loads the `Reflect` metadata polyfill tsyringe needs first, so an application never has to
 * install or import tsyringe or reflect-metadata itself (pnpm does not let a project import a
 * package it does not declare).
 */
export function createProviderContainer(): DependencyContainer {
  require('reflect-metadata');
  const tsyringe = require('tsyringe') as typeof import('tsyringe');
  return tsyringe.container.createChildContainer();
}

/**
 * Registers a provider that lives in the application (or the test) under a catalog path, in the
 * given container — the one a `Ws2` process is created with. Explicit registration, no decorators,
 * so nothing leaks between containers.
 */
export function registerProvider(
  container: DependencyContainer,
  path: string,
  WSPStartup: LPWSPSTARTUP,
): void {
  if (typeof WSPStartup !== 'function')
    throw new TypeError(`registerProvider: WSPStartup for '${path}' is not a function`);
  container.register(providerToken(path), { useValue: WSPStartup });
}

/** The `WSPStartup` registered for `path` in `container` (or its parents), if any. */
export function registeredProvider(container: DependencyContainer, path: string): LPWSPSTARTUP | undefined {
  const token = providerToken(path);
  return container.isRegistered(token, true) ? container.resolve<LPWSPSTARTUP>(token) : undefined;
}
