import * as fs from 'node:fs';
import * as path from 'node:path';
import { type CatalogStoreError, isCatalogStoreError } from '../catalog/catalog-store-error';
import { WsaErrorCodes, wsaErrorName } from '../constants/error-codes';
import { isWsaError } from '../errors/wsa-error';
import { runCatalogCommand } from './catalog-command';
import type { CliContext } from './cli-context';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, OperationError, UsageError } from './cli-context';
import { MAIN_HELP } from './help-text';
import { runLspCommand } from './lsp-command';
import { parseArguments } from './parse-arguments';
import { colourEnabled, escapeMessage, jsonText, paletteFor } from './terminal-text';

/** The version of @ws2spi/spi, from its package.json (two levels up from both src/cli and dist/cli). */
export function ws2spiVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/** The `format` marker of the `--json` document printed on stdout when a command fails. */
export const ERROR_FORMAT = 'ws2spi-error';

/** A path as one shell word: quoted when it holds anything but safe characters. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** What to do about a catalog file that cannot be read, when there is something to do. */
function storeHint(error: CatalogStoreError, command: readonly string[]): string {
  const isReset = command[0] === 'catalog' && command[1] === 'reset';
  if ((error.problem === 'corrupt' || error.problem === 'invalid') && !isReset) {
    return `\nRun 'ws2spi catalog reset --catalog ${shellWord(error.location)}' to move the damaged file aside and rebuild the default catalog.`;
  }
  if (error.problem === 'unsupported-version') return '\nIt was written by a newer ws2spi: use that version.';
  if (error.problem === 'foreign')
    return '\nName a ws2spi catalog file with --catalog FILE or $WS2SPI_CATALOG.';
  return '';
}

/**
 * The `ws2spi` command line: runs `argv` (the words after the program name) against `context` and
 * resolves to the exit status — 0 success, 1 the operation failed (message on stderr, starting
 * with `[WSAE…]` where a Winsock code applies), 2 usage error. With `--json`, a failure also
 * prints `{ "format": "ws2spi-error", "version": 1, "status", "code", "symbol", "message" }` on
 * stdout. Never throws and never exits the process, so tests run it in-process.
 */
export async function runWs2spi(argv: readonly string[], context: CliContext): Promise<number> {
  let command: readonly string[] = [];
  try {
    const args = parseArguments(argv);
    command = args.positionals;
    const [group, ...operands] = args.positionals;
    if (args.flags.has('version') && !args.flags.has('help')) {
      const version = ws2spiVersion();
      context.stdout(args.flags.has('json') ? jsonText({ name: 'ws2spi', version }) : `ws2spi ${version}\n`);
      return EXIT_OK;
    }
    if (group === undefined) {
      if (args.flags.has('help')) {
        context.stdout(MAIN_HELP);
        return EXIT_OK;
      }
      throw new UsageError('no command given');
    }
    if (group === 'catalog') return await runCatalogCommand(operands, args, context);
    if (group === 'lsp') return await runLspCommand(operands, args, context);
    throw new UsageError(`unknown command '${group}'`);
  } catch (error) {
    return report(error, argv.includes('--json'), command, context);
  }
}

/** Prints a failure (and its `--json` document) and returns the exit status. */
function report(error: unknown, json: boolean, command: readonly string[], context: CliContext): number {
  const { red } = paletteFor(colourEnabled(context.stderrIsTTY, context.env));
  // A progress line may still be on the terminal: start on a clean one.
  const clear = context.stderrIsTTY ? '\r\x1b[2K' : '';
  let status: number;
  let message: string;
  let code: number | null = null;
  if (error instanceof UsageError) {
    status = EXIT_USAGE;
    message = `ws2spi: ${error.message}`;
    context.stderr(`${clear}${escapeMessage(message)}\nRun '${error.helpCommand}' for usage.\n`);
  } else if (error instanceof OperationError || isWsaError(error)) {
    // OperationError and CatalogStoreError messages already start with [WSAE…] where one applies.
    status = EXIT_FAILURE;
    code = isWsaError(error) ? error.code : codeOf(error.message);
    message = error.message + (isCatalogStoreError(error) ? storeHint(error, command) : '');
    const text = escapeMessage(message).replace(/^\[WSA[A-Z_0-9]+\]/, (symbol) => red(symbol));
    context.stderr(`${clear}${text}\n`);
  } else {
    status = EXIT_FAILURE;
    message = `ws2spi: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    context.stderr(`${clear}${escapeMessage(message)}\n`);
  }
  if (json) {
    context.stdout(
      jsonText({
        format: ERROR_FORMAT,
        version: 1,
        status,
        code,
        symbol: code === null ? null : wsaErrorName(code),
        message,
      }),
    );
  }
  return status;
}

/** The Winsock code named by a `[WSAE…]` prefix, or null. */
function codeOf(message: string): number | null {
  const symbol = /^\[(WSA[A-Z_0-9]+)\]/.exec(message)?.[1];
  const code = symbol === undefined ? undefined : (WsaErrorCodes as Record<string, number>)[symbol];
  return typeof code === 'number' ? code : null;
}
