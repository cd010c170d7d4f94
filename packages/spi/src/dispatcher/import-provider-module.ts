import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `import()` of a provider module — a package name or an absolute file path — kept as a real
 * dynamic import in the compiled CommonJS (TypeScript leaves it alone under `module: node16`), so
 * provider modules may be ESM or CommonJS. On Windows an absolute `C:\…` path is not a URL and must
 * become a `file:` URL first.
 *
 * A package name is looked up from this package first and then, when that finds nothing, from the
 * application: the directory `from` (default: the working directory), then the directory of the
 * program Node was started with — as `LoadLibrary` also searches the application's directory. The second lookup is what makes the default catalog's
 * `@ws2spi/providers-tcp` (or a user's provider package) loadable when the package manager does not
 * hoist: under pnpm a package sees only its own dependencies, and the providers are the
 * application's dependencies, not this package's.
 */
export async function importProviderModule(
  specifier: string,
  from: string = process.cwd(),
): Promise<Record<string, unknown>> {
  const target =
    isAbsolute(specifier) && process.platform === 'win32' ? pathToFileURL(specifier).href : specifier;
  try {
    return (await import(target)) as Record<string, unknown>;
  } catch (error) {
    if (!isPackageName(specifier) || !isModuleNotFound(error)) throw error;
    const main = process.argv[1];
    const fromApplication =
      resolveFrom(from, specifier) ?? (main ? resolveFrom(dirname(main), specifier) : undefined);
    if (!fromApplication) throw error;
    return (await import(pathToFileURL(fromApplication).href)) as Record<string, unknown>;
  }
}

/** A bare specifier (`pkg`, `@scope/pkg/sub`): not a path, not a URL. */
function isPackageName(specifier: string): boolean {
  return !specifier.startsWith('.') && !isAbsolute(specifier) && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(specifier);
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/** The file `specifier` names for a module in `directory`, or `undefined` when it names none there. */
function resolveFrom(directory: string, specifier: string): string | undefined {
  try {
    return createRequire(join(directory, 'noop.js')).resolve(specifier);
  } catch {
    return undefined;
  }
}
