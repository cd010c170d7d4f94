import * as fs from 'node:fs';
import * as path from 'node:path';
import { isWsaError } from '../errors/wsa-error';
import { runCatalogCommand } from './catalog-command';
import type { CliContext } from './cli-context';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, OperationError, UsageError } from './cli-context';
import { MAIN_HELP } from './help-text';
import { parseArguments } from './parse-arguments';

/** The version of @ws2spi/spi, from its package.json (two levels up from both src/cli and dist/cli). */
export function ws2spiVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

/**
 * The `ws2spi` command line: runs `argv` (the words after the program name) against `context` and
 * resolves to the exit status — 0 success, 1 the operation failed (message on stderr, starting
 * with `[WSAE…]` where a Winsock code applies), 2 usage error. Never throws and never exits the
 * process, so tests run it in-process.
 */
export async function runWs2spi(argv: readonly string[], context: CliContext): Promise<number> {
  try {
    const args = parseArguments(argv);
    const [command, ...operands] = args.positionals;
    if (args.flags.has('version') && !args.flags.has('help')) {
      context.stdout(`ws2spi ${ws2spiVersion()}\n`);
      return EXIT_OK;
    }
    if (command === undefined) {
      if (args.flags.has('help')) {
        context.stdout(MAIN_HELP);
        return EXIT_OK;
      }
      throw new UsageError('no command given');
    }
    if (command === 'catalog') return await runCatalogCommand(operands, args, context);
    throw new UsageError(`unknown command '${command}'`);
  } catch (error) {
    if (error instanceof UsageError) {
      context.stderr(`ws2spi: ${error.message}\nRun '${error.helpCommand}' for usage.\n`);
      return EXIT_USAGE;
    }
    // OperationError and CatalogStoreError messages already start with [WSAE…] where one applies.
    if (error instanceof OperationError || isWsaError(error)) {
      context.stderr(`${error.message}\n`);
      return EXIT_FAILURE;
    }
    context.stderr(
      `ws2spi: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT_FAILURE;
  }
}
