import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `import()` of a provider module — a package name or an absolute file path — kept as a real
 * dynamic import in the compiled CommonJS (TypeScript leaves it alone under `module: node16`), so
 * provider modules may be ESM or CommonJS. On Windows an absolute `C:\…` path is not a URL and must
 * become a `file:` URL first.
 */
export async function importProviderModule(specifier: string): Promise<Record<string, unknown>> {
  const target =
    isAbsolute(specifier) && process.platform === 'win32' ? pathToFileURL(specifier).href : specifier;
  return (await import(target)) as Record<string, unknown>;
}
