import { homedir } from 'node:os';
import * as path from 'node:path';

/** Where a machine's catalog file lives unless the caller names one, as in `defaultCatalogFile`. */
export interface CatalogFileEnvironment {
  /** The environment (`WS2SPI_CATALOG`, `APPDATA`, `XDG_CONFIG_HOME`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The operating system (`process.platform`). */
  readonly platform: NodeJS.Platform;
  /** The user's home directory. */
  readonly homedir: string;
}

/**
 * The catalog file to use when no file is named explicitly (the CLI's `--catalog` beats this):
 * `$WS2SPI_CATALOG`; else `%APPDATA%\ws2spi\catalog.json` on Windows; else
 * `$XDG_CONFIG_HOME/ws2spi/catalog.json`; else `~/.config/ws2spi/catalog.json`.
 * Empty variables count as unset, as the XDG base directory specification says.
 */
export function defaultCatalogFile(
  where: CatalogFileEnvironment = { env: process.env, platform: process.platform, homedir: homedir() },
): string {
  const { env, platform } = where;
  if (env.WS2SPI_CATALOG) return env.WS2SPI_CATALOG;
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'ws2spi', 'catalog.json');
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'ws2spi', 'catalog.json');
  return join(where.homedir, '.config', 'ws2spi', 'catalog.json');
}
