import type { CliContext } from './cli-context';
import type { ParsedArguments } from './parse-arguments';
import { escapeMessage, jsonText } from './terminal-text';

/** The `format` marker of the `--json` document a command that changes the catalog prints. */
export const CATALOG_CHANGE_FORMAT = 'ws2spi-catalog-change';
/** Its version; it changes only when a member changes meaning or goes away. */
export const CATALOG_CHANGE_VERSION = 1;

/** What a command that changed the catalog reports. */
export interface CatalogChange {
  /** `catalog install`, `lsp remove`, …. */
  readonly command: string;
  /** The catalog file. */
  readonly file: string;
  /** The catalog's change counter after the change. */
  readonly serial: number;
  /** The command's own members of the `--json` document. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The human-readable report (catalog strings in it are escaped here). */
  readonly text: string;
}

/**
 * Prints a change: with `--json`, `{ format, version, command, catalog, serial, …fields }`;
 * otherwise the text.
 */
export function printChange(context: CliContext, args: ParsedArguments, change: CatalogChange): void {
  if (args.flags.has('json')) {
    context.stdout(
      jsonText({
        format: CATALOG_CHANGE_FORMAT,
        version: CATALOG_CHANGE_VERSION,
        command: change.command,
        catalog: change.file,
        serial: change.serial,
        ...change.fields,
      }),
    );
  } else {
    context.stdout(escapeMessage(change.text));
  }
}
