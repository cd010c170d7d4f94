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
