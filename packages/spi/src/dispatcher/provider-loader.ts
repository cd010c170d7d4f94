import { isAbsolute, resolve } from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import type { LPWSPSTARTUP } from '../spi/wsp-proc-table';
import { expandEnvironmentStrings } from './expand-path';
import { importProviderModule } from './import-provider-module';
import { registeredProvider } from './provider-registry';

/** Why a provider path could not be turned into a `WSPStartup`. */
export class ProviderLoadError extends Error {
  /** `'ProviderLoadError'`. */
  override readonly name = 'ProviderLoadError';
}

/** True when a path names a file rather than a package (relative, absolute, or a Windows drive path). */
function isFilePath(path: string): boolean {
  return path.startsWith('.') || isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path);
}

/**
 * Turns catalog paths into `WSPStartup` functions — the `LoadLibrary` + `GetProcAddress` of this
 * system. A path registered in the process's container wins; otherwise the (environment-expanded)
 * path is imported as a module that must export `WSPStartup`. File paths are resolved against the
 * working directory.
 *
 * Importing is asynchronous, but `WSPStartup` is not, and a layered provider starts the next
 * provider from inside its own `WSPStartup`. So the dispatcher preloads every module a chain needs
 * before starting its top layer, and `loadSync` then answers from this loader's cache, the way
 * `LoadLibrary` of an already-loaded DLL returns at once.
 */
export class ProviderLoader {
  private readonly loaded = new Map<string, LPWSPSTARTUP>();

  constructor(
    private readonly container: DependencyContainer,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly cwd: string = process.cwd(),
  ) {}

  /** Makes `path` loadable synchronously; throws `ProviderLoadError` saying why it cannot be. */
  async preload(path: string): Promise<void> {
    if (registeredProvider(this.container, path) || this.loaded.has(path)) return;
    const expanded = expandEnvironmentStrings(path, this.env);
    const specifier = isFilePath(expanded) ? resolve(this.cwd, expanded) : expanded;
    let module: Record<string, unknown>;
    try {
      module = await importProviderModule(specifier, this.cwd);
    } catch (error) {
      throw new ProviderLoadError(
        `provider module '${path}' could not be loaded: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const startup = module.WSPStartup ?? (module.default as Record<string, unknown> | undefined)?.WSPStartup;
    if (typeof startup !== 'function') {
      throw new ProviderLoadError(`provider module '${path}' does not export a WSPStartup function`);
    }
    this.loaded.set(path, startup as LPWSPSTARTUP);
  }

  /** The `WSPStartup` for `path` if it is registered or already preloaded. */
  loadSync(path: string): LPWSPSTARTUP | undefined {
    return registeredProvider(this.container, path) ?? this.loaded.get(path);
  }
}
