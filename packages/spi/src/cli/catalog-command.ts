import * as fs from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { Catalog } from '../catalog/catalog';
import type { CatalogEntry } from '../catalog/catalog-entry';
import { isCatalogStoreError } from '../catalog/catalog-store-error';
import type { DefaultCatalogResult } from '../catalog/default-catalog';
import { installDefaultCatalog, resetCatalog } from '../catalog/default-catalog';
import { defaultCatalogFile } from '../catalog/default-catalog-file';
import { WSAEPROVIDERFAILEDINIT, wsaErrorName } from '../constants/error-codes';
import { verifyCatalogChains } from '../lsp/verify-catalog-chains';
import { formatGuid, parseGuid } from '../types/guid';
import { out } from '../types/out-cell';
import { catalogListing, formatCatalogText } from './catalog-listing';
import { catalogVerification, formatCatalogVerification } from './catalog-verification';
import type { CliContext } from './cli-context';
import { EXIT_FAILURE, EXIT_OK, OperationError, UsageError } from './cli-context';
import {
  CATALOG_HELP,
  INSTALL_HELP,
  ORDER_HELP,
  REMOVE_HELP,
  RESET_HELP,
  SHOW_HELP,
  VERIFY_HELP,
} from './help-text';
import type { ParsedArguments } from './parse-arguments';
import { ProviderDescriptionError, parseProviderDescription } from './provider-description';

/** One `ws2spi catalog` subcommand: its help, the options it accepts besides `--catalog`, and its action. */
interface CatalogSubcommand {
  readonly help: string;
  readonly valueOptions: readonly string[];
  readonly flagOptions: readonly string[];
  readonly run: (operands: string[], args: ParsedArguments, context: CliContext) => Promise<number>;
}

/**
 * The subcommands of `ws2spi catalog`. A new one (e.g. `verify`) is one more row here plus its
 * help text.
 */
const SUBCOMMANDS: Readonly<Record<string, CatalogSubcommand>> = {
  show: { help: SHOW_HELP, valueOptions: [], flagOptions: ['json'], run: showCatalog },
  install: { help: INSTALL_HELP, valueOptions: ['from'], flagOptions: [], run: installFromFile },
  remove: { help: REMOVE_HELP, valueOptions: [], flagOptions: [], run: removeProvider },
  order: { help: ORDER_HELP, valueOptions: [], flagOptions: [], run: writeOrder },
  reset: { help: RESET_HELP, valueOptions: [], flagOptions: [], run: reset },
  verify: { help: VERIFY_HELP, valueOptions: [], flagOptions: ['json'], run: verify },
};

/** Runs `ws2spi catalog <subcommand> …`; `operands` are the words after `catalog`. */
export async function runCatalogCommand(
  operands: string[],
  args: ParsedArguments,
  context: CliContext,
): Promise<number> {
  const [name, ...rest] = operands;
  if (name === undefined) {
    if (args.flags.has('help')) {
      context.stdout(CATALOG_HELP);
      return EXIT_OK;
    }
    throw new UsageError(
      'catalog: which command? (show, install, remove, order, reset, verify)',
      'ws2spi catalog --help',
    );
  }
  const subcommand = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (!subcommand) throw new UsageError(`catalog: unknown command '${name}'`, 'ws2spi catalog --help');
  if (args.flags.has('help')) {
    context.stdout(subcommand.help);
    return EXIT_OK;
  }
  const helpCommand = `ws2spi catalog ${name} --help`;
  for (const option of args.values.keys()) {
    if (option !== 'catalog' && !subcommand.valueOptions.includes(option)) {
      throw new UsageError(`catalog ${name} does not take '--${option}'`, helpCommand);
    }
  }
  for (const flag of args.flags) {
    if (!subcommand.flagOptions.includes(flag)) {
      throw new UsageError(`catalog ${name} does not take '--${flag}'`, helpCommand);
    }
  }
  return subcommand.run(rest, args, context);
}

/** The catalog file this invocation works on: `--catalog`, else `defaultCatalogFile`, made absolute. */
export function resolveCatalogFile(args: ParsedArguments, context: CliContext): string {
  const named =
    args.values.get('catalog') ??
    defaultCatalogFile({
      env: context.env,
      platform: context.platform ?? process.platform,
      homedir: context.homedir ?? homedir(),
    });
  return path.resolve(context.cwd, named);
}

function noOperands(name: string, operands: string[]): void {
  if (operands.length > 0) {
    throw new UsageError(
      `catalog ${name}: unexpected argument '${operands[0]}'`,
      `ws2spi catalog ${name} --help`,
    );
  }
}

/** The message of a failed C-shaped call: the store's own error, or `[WSAE…] FUNCTION: reason`. */
function callFailure(catalog: Catalog, functionName: string, code: number): OperationError {
  if (catalog.lastStoreError) return new OperationError(catalog.lastStoreError.message);
  return new OperationError(
    `[${wsaErrorName(code)}] ${functionName}: ${catalog.lastFailureReason ?? 'failed'}`,
  );
}

/** Prints what `installDefaultCatalog` could not do; true when everything was installed. */
function reportDefaults(result: DefaultCatalogResult, context: CliContext): boolean {
  for (const provider of result.installed)
    context.stdout(`Installed ${provider.module} (${provider.install})\n`);
  for (const problem of result.unavailable) {
    context.stderr(`ws2spi: default provider ${problem.module} is unavailable: ${problem.reason}\n`);
  }
  for (const problem of result.failed) {
    context.stderr(`ws2spi: default provider ${problem.module} failed to install: ${problem.reason}\n`);
  }
  return result.unavailable.length === 0 && result.failed.length === 0;
}

async function showCatalog(operands: string[], args: ParsedArguments, context: CliContext): Promise<number> {
  noOperands('show', operands);
  const file = resolveCatalogFile(args, context);
  const catalog = Catalog.openFile(file);
  if (!fs.existsSync(file)) {
    // A fresh machine has a catalog: create this one with the defaults before showing it. Their
    // progress goes to stderr so that stdout stays the listing alone (for --json).
    const result = await installDefaultCatalog(catalog, context.defaultProviders);
    reportDefaults(result, { ...context, stdout: context.stderr });
  }
  const snapshot = catalog.snapshot();
  if (args.flags.has('json')) context.stdout(`${JSON.stringify(catalogListing(file, snapshot), null, 2)}\n`);
  else context.stdout(formatCatalogText(file, snapshot));
  return EXIT_OK;
}

async function installFromFile(
  operands: string[],
  args: ParsedArguments,
  context: CliContext,
): Promise<number> {
  noOperands('install', operands);
  const from = args.values.get('from');
  if (from === undefined)
    throw new UsageError('catalog install needs --from FILE', 'ws2spi catalog install --help');
  const source = path.resolve(context.cwd, from);
  let text: string;
  try {
    text = fs.readFileSync(source, 'utf8');
  } catch (error) {
    throw new OperationError(`ws2spi: cannot read ${source}: ${(error as Error).message}`);
  }
  let description: ReturnType<typeof parseProviderDescription>;
  try {
    description = parseProviderDescription(text, source);
  } catch (error) {
    // A malformed description is what WSCInstallProvider would refuse with WSAEINVAL.
    if (error instanceof ProviderDescriptionError) throw new OperationError(`[WSAEINVAL] ${error.message}`);
    throw error;
  }
  const catalog = Catalog.openFile(resolveCatalogFile(args, context));
  const lpErrno = out(0);
  const { providerId, entries } = description;
  if (catalog.WSCInstallProvider(providerId, description.path, entries, entries.length, lpErrno) !== 0) {
    throw callFailure(catalog, 'WSCInstallProvider', lpErrno.value);
  }
  const ids = catalog
    .entries()
    .filter((entry) => entry.info.ProviderId === providerId)
    .map((entry) => entry.info.dwCatalogEntryId);
  context.stdout(`Installed provider ${formatGuid(providerId)}: catalog entries ${ids.join(', ')}\n`);
  return EXIT_OK;
}

async function removeProvider(
  operands: string[],
  args: ParsedArguments,
  context: CliContext,
): Promise<number> {
  if (operands.length !== 1) {
    throw new UsageError('catalog remove takes exactly one GUID', 'ws2spi catalog remove --help');
  }
  const providerId = parseGuid(operands[0]);
  if (!providerId) throw new UsageError(`'${operands[0]}' is not a GUID`, 'ws2spi catalog remove --help');
  const catalog = Catalog.openFile(resolveCatalogFile(args, context));
  const lpErrno = out(0);
  if (catalog.WSCDeinstallProvider(providerId, lpErrno) !== 0) {
    throw callFailure(catalog, 'WSCDeinstallProvider', lpErrno.value);
  }
  context.stdout(`Removed provider ${formatGuid(providerId)}\n`);
  return EXIT_OK;
}

async function writeOrder(operands: string[], args: ParsedArguments, context: CliContext): Promise<number> {
  if (operands.length === 0)
    throw new UsageError('catalog order needs the catalog entry IDs', 'ws2spi catalog order --help');
  const ids = operands.map((word) => {
    if (!/^\d{1,10}$/.test(word) || Number(word) > 0xffffffff) {
      throw new UsageError(`'${word}' is not a catalog entry ID`, 'ws2spi catalog order --help');
    }
    return Number(word);
  });
  const catalog = Catalog.openFile(resolveCatalogFile(args, context));
  const code = catalog.WSCWriteProviderOrder(ids, ids.length);
  if (code !== 0) throw callFailure(catalog, 'WSCWriteProviderOrder', code);
  context.stdout(`Catalog order: ${ids.join(' ')}\n`);
  return EXIT_OK;
}

async function reset(operands: string[], args: ParsedArguments, context: CliContext): Promise<number> {
  noOperands('reset', operands);
  const file = resolveCatalogFile(args, context);
  const catalog = Catalog.openFile(file);
  // A damaged file cannot be listed first; reset moves it aside and rebuilds (say so below).
  let entries: CatalogEntry[] = [];
  try {
    entries = catalog.entries();
  } catch (error) {
    if (!isCatalogStoreError(error) || (error.problem !== 'corrupt' && error.problem !== 'invalid'))
      throw error;
  }
  // Every entry goes, so orphaned and broken chains go with them: say so when there were any.
  const { broken } = verifyCatalogChains(entries);
  const result = await resetCatalog(catalog, context.defaultProviders);
  if (result.recoveredFrom) {
    context.stdout(`Catalog ${file} was damaged: moved to ${result.recoveredFrom} and rebuilt\n`);
  }
  context.stdout(`Catalog ${file} reset\n`);
  if (broken.length > 0) {
    const ids = broken.map(({ entry }) => entry.info.dwCatalogEntryId).join(', ');
    context.stdout(
      `Removed ${broken.length} orphaned or broken chain ${broken.length === 1 ? 'entry' : 'entries'}: ${ids}\n`,
    );
  }
  return reportDefaults(result, context) ? EXIT_OK : EXIT_FAILURE;
}

/**
 * `catalog verify`: lists the chain entries that cannot work — orphaned (their LSP's layered entry
 * is gone) or broken otherwise — and unused layered entries. Exit status 1 when any chain is
 * orphaned or broken (`[WSAEPROVIDERFAILEDINIT]`, what sockets on them fail with), 0 otherwise.
 * A catalog file that does not exist is an empty catalog (nothing is created).
 */
async function verify(operands: string[], args: ParsedArguments, context: CliContext): Promise<number> {
  noOperands('verify', operands);
  const file = resolveCatalogFile(args, context);
  const snapshot = Catalog.openFile(file).snapshot();
  const report = verifyCatalogChains(snapshot.entries);
  if (args.flags.has('json')) {
    context.stdout(`${JSON.stringify(catalogVerification(file, snapshot, report), null, 2)}\n`);
  } else {
    context.stdout(formatCatalogVerification(file, snapshot, report));
  }
  if (report.broken.length === 0) return EXIT_OK;
  context.stderr(
    `[${wsaErrorName(WSAEPROVIDERFAILEDINIT)}] ${report.broken.length} chain ${report.broken.length === 1 ? 'entry' : 'entries'} in ${file} cannot be loaded; run 'ws2spi catalog reset' to repair\n`,
  );
  return EXIT_FAILURE;
}
