import * as fs from 'node:fs';
import * as path from 'node:path';
import { Catalog } from '../catalog/catalog';
import type { CatalogEntry } from '../catalog/catalog-entry';
import { isCatalogStoreError } from '../catalog/catalog-store-error';
import type { DefaultCatalogResult } from '../catalog/default-catalog';
import { resetCatalog } from '../catalog/default-catalog';
import { JsonFileCatalogStore } from '../catalog/json-file-catalog-store';
import { WSAEINVAL, WSAEPROVIDERFAILEDINIT, wsaErrorName } from '../constants/error-codes';
import { type BrokenChainEntry, verifyCatalogChains } from '../lsp/verify-catalog-chains';
import { formatGuid, type GUID } from '../types/guid';
import { out } from '../types/out-cell';
import { isLayeredEntry } from '../types/protocol-info';
import {
  openCatalogForChange,
  readCatalog,
  reportDefaultProblems,
  resolveCatalogFile,
} from './catalog-access';
import { catalogListing, formatCatalogText } from './catalog-listing';
import { catalogVerification, formatCatalogVerification } from './catalog-verification';
import { printChange } from './change-report';
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
import { observeWrites } from './observe-writes';
import type { ParsedArguments } from './parse-arguments';
import { Progress } from './progress';
import { ProviderDescriptionError, parseProviderDescription } from './provider-description';
import { type CommandGroup, guidOperand, noOperands, runCommandGroup } from './subcommand';
import { colourEnabled, escapeControlCharacters, jsonText, paletteFor } from './terminal-text';

/** `ws2spi catalog …`: the subcommands over the catalog functions of ws2spi.h / sporder.h. */
export const CATALOG_COMMANDS: CommandGroup = {
  name: 'catalog',
  help: CATALOG_HELP,
  subcommands: {
    show: { help: SHOW_HELP, valueOptions: [], flagOptions: [], run: showCatalog },
    install: { help: INSTALL_HELP, valueOptions: ['from'], flagOptions: [], run: installFromFile },
    remove: { help: REMOVE_HELP, valueOptions: [], flagOptions: ['force'], run: removeProvider },
    order: { help: ORDER_HELP, valueOptions: [], flagOptions: [], run: writeOrder },
    reset: { help: RESET_HELP, valueOptions: [], flagOptions: [], run: reset },
    verify: { help: VERIFY_HELP, valueOptions: [], flagOptions: [], run: verify },
  },
};

/** Runs `ws2spi catalog <subcommand> …`; `operands` are the words after `catalog`. */
export function runCatalogCommand(
  operands: string[],
  args: ParsedArguments,
  context: CliContext,
): Promise<number> {
  return runCommandGroup(CATALOG_COMMANDS, operands, args, context);
}

/**
 * The error of a failed C-shaped call: the store's own error (a damaged file, with its hint to
 * `catalog reset`), or `[WSAE…] FUNCTION: reason`.
 */
export function callFailure(catalog: Catalog, functionName: string, code: number): Error {
  if (catalog.lastStoreError) return catalog.lastStoreError;
  return new OperationError(
    `[${wsaErrorName(code)}] ${functionName}: ${catalog.lastFailureReason ?? 'failed'}`,
  );
}

async function showCatalog(operands: string[], args: ParsedArguments, context: CliContext): Promise<number> {
  noOperands('catalog show', operands);
  const file = resolveCatalogFile(args, context);
  const { snapshot, exists } = await readCatalog(file, context);
  if (args.flags.has('json')) {
    context.stdout(jsonText({ ...catalogListing(file, snapshot), exists }));
  } else {
    context.stdout(
      formatCatalogText(file, snapshot, {
        exists,
        palette: paletteFor(colourEnabled(context.stdoutIsTTY, context.env)),
      }),
    );
  }
  return EXIT_OK;
}

async function installFromFile(
  operands: string[],
  args: ParsedArguments,
  context: CliContext,
): Promise<number> {
  noOperands('catalog install', operands);
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
  const file = resolveCatalogFile(args, context);
  const catalog = await openCatalogForChange(file, context);
  const lpErrno = out(0);
  const { providerId, entries } = description;
  if (catalog.WSCInstallProvider(providerId, description.path, entries, entries.length, lpErrno) !== 0) {
    throw callFailure(catalog, 'WSCInstallProvider', lpErrno.value);
  }
  const ids = catalog
    .entries()
    .filter((entry) => entry.info.ProviderId === providerId)
    .map((entry) => entry.info.dwCatalogEntryId);
  printChange(context, args, {
    command: 'catalog install',
    file,
    serial: catalog.serial,
    fields: { providerId, installedEntryIds: ids },
    text: `Installed provider ${formatGuid(providerId)}: catalog entries ${ids.join(', ')}\n`,
  });
  return EXIT_OK;
}

/** The chain entries that work now and would be orphaned or broken once `providerId`'s entries are gone. */
function chainsBrokenByRemoving(entries: readonly CatalogEntry[], providerId: GUID): BrokenChainEntry[] {
  const before = new Set(verifyCatalogChains(entries).broken.map(({ entry }) => entry.info.dwCatalogEntryId));
  const remaining = entries.filter((entry) => entry.info.ProviderId !== providerId);
  return verifyCatalogChains(remaining).broken.filter(
    ({ entry }) => !before.has(entry.info.dwCatalogEntryId),
  );
}

/**
 * Why `catalog remove` refuses: WSCDeinstallProvider of an LSP's layered entry (or of a provider a
 * chain stands on) leaves those chains dangling, and every socket on them fails with
 * WSAEPROVIDERFAILEDINIT. The message names the command that removes an LSP with its chains.
 */
function refuseToBreakChains(
  entries: readonly CatalogEntry[],
  providerId: GUID,
  broken: readonly BrokenChainEntry[],
): OperationError {
  const ids = broken.map(({ entry }) => entry.info.dwCatalogEntryId).join(', ');
  const own = entries.filter((entry) => entry.info.ProviderId === providerId);
  const layered = own.find((entry) => isLayeredEntry(entry.info));
  const byId = new Map(entries.map((entry) => [entry.info.dwCatalogEntryId, entry]));
  if (layered) {
    return new OperationError(
      `[${wsaErrorName(WSAEINVAL)}] catalog remove: ${formatGuid(providerId)} is the layered service provider ` +
        `"${layered.info.szProtocol}"; removing only its own entries would leave its chain entries ${ids} ` +
        `orphaned (sockets on them fail with WSAEPROVIDERFAILEDINIT).\n` +
        `Run 'ws2spi lsp remove ${formatGuid(providerId)}' to remove it with its chains, or add --force ` +
        `to remove exactly what WSCDeinstallProvider removes.`,
    );
  }
  // The LSPs whose chains stand on this provider: they must go first.
  const lsps = new Set<string>();
  for (const { entry } of broken) {
    const top = byId.get(entry.info.ProtocolChain.ChainEntries[0]);
    if (top && isLayeredEntry(top.info) && top.info.ProviderId !== providerId) {
      lsps.add(formatGuid(top.info.ProviderId));
    }
  }
  const first =
    lsps.size > 0
      ? `Remove the layered service providers over it first (${[...lsps].map((guid) => `'ws2spi lsp remove ${guid}'`).join(', ')}), or add --force`
      : 'Add --force';
  return new OperationError(
    `[${wsaErrorName(WSAEINVAL)}] catalog remove: removing ${formatGuid(providerId)} would break the chain ` +
      `entries ${ids}, which stand on it (sockets on them fail with WSAEPROVIDERFAILEDINIT).\n` +
      `${first} to remove exactly what WSCDeinstallProvider removes.`,
  );
}

async function removeProvider(
  operands: string[],
  args: ParsedArguments,
  context: CliContext,
): Promise<number> {
  if (operands.length !== 1) {
    throw new UsageError('catalog remove takes exactly one GUID', 'ws2spi catalog remove --help');
  }
  const providerId = guidOperand(operands[0], 'ws2spi catalog remove --help');
  const file = resolveCatalogFile(args, context);
  const catalog = await openCatalogForChange(file, context);
  const entries = catalog.entries();
  if (!args.flags.has('force')) {
    const broken = chainsBrokenByRemoving(entries, providerId);
    if (broken.length > 0) throw refuseToBreakChains(entries, providerId, broken);
  }
  const removed = entries
    .filter((entry) => entry.info.ProviderId === providerId)
    .map((entry) => entry.info.dwCatalogEntryId);
  const lpErrno = out(0);
  if (catalog.WSCDeinstallProvider(providerId, lpErrno) !== 0) {
    throw callFailure(catalog, 'WSCDeinstallProvider', lpErrno.value);
  }
  printChange(context, args, {
    command: 'catalog remove',
    file,
    serial: catalog.serial,
    fields: { providerId, removedEntryIds: removed },
    text: `Removed provider ${formatGuid(providerId)}: catalog entries ${removed.join(', ')}\n`,
  });
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
  const file = resolveCatalogFile(args, context);
  const catalog = await openCatalogForChange(file, context);
  const code = catalog.WSCWriteProviderOrder(ids, ids.length);
  if (code !== 0) throw callFailure(catalog, 'WSCWriteProviderOrder', code);
  printChange(context, args, {
    command: 'catalog order',
    file,
    serial: catalog.serial,
    fields: { order: ids },
    text: `Catalog order: ${ids.join(' ')}\n`,
  });
  return EXIT_OK;
}

/** Prints what `resetCatalog` installed (stdout) and could not install (stderr); true when everything was installed. */
function reportDefaults(result: DefaultCatalogResult, context: CliContext, json: boolean): boolean {
  if (!json) {
    for (const provider of result.installed) {
      context.stdout(`${escapeControlCharacters(`Installed ${provider.module} (${provider.install})`)}\n`);
    }
  }
  return reportDefaultProblems(result, context);
}

async function reset(operands: string[], args: ParsedArguments, context: CliContext): Promise<number> {
  noOperands('catalog reset', operands);
  const file = resolveCatalogFile(args, context);
  const progress = new Progress(context.stderr, context.stderrIsTTY === true);
  progress.update(`reading ${file}`, true);
  const catalog = new Catalog(
    observeWrites(new JsonFileCatalogStore(file), (writes) =>
      progress.update(`resetting: ${writes} catalog writes`),
    ),
  );
  // A damaged file cannot be listed first; reset moves it aside and rebuilds (say so below).
  let entries: CatalogEntry[] = [];
  try {
    entries = catalog.entries();
  } catch (error) {
    if (!isCatalogStoreError(error) || (error.problem !== 'corrupt' && error.problem !== 'invalid'))
      throw error;
  }
  // Every entry goes, so orphaned and broken chains go with them: say so when there were any.
  progress.update(`checking ${entries.length} entries`, true);
  const { broken } = verifyCatalogChains(entries);
  progress.update(`removing ${entries.length} entries and installing the default providers`, true);
  const result = await resetCatalog(catalog, context.defaultProviders);
  progress.done();
  const json = args.flags.has('json');
  const brokenIds = broken.map(({ entry }) => entry.info.dwCatalogEntryId);
  if (json) {
    context.stdout(
      jsonText({
        format: 'ws2spi-catalog-change',
        version: 1,
        command: 'catalog reset',
        catalog: file,
        serial: catalog.serial,
        recoveredFrom: result.recoveredFrom ?? null,
        removedEntryCount: entries.length,
        removedBrokenChainEntryIds: brokenIds,
        defaults: { installed: result.installed, unavailable: result.unavailable, failed: result.failed },
      }),
    );
  } else {
    if (result.recoveredFrom) {
      context.stdout(`Catalog ${file} was damaged: moved to ${result.recoveredFrom} and rebuilt\n`);
    }
    context.stdout(`Catalog ${file} reset\n`);
    if (broken.length > 0) {
      context.stdout(
        `Removed ${broken.length} orphaned or broken chain ${broken.length === 1 ? 'entry' : 'entries'}: ${brokenIds.join(', ')}\n`,
      );
    }
  }
  return reportDefaults(result, context, json) ? EXIT_OK : EXIT_FAILURE;
}

/**
 * `catalog verify`: lists the chain entries that cannot work — orphaned (their LSP's layered entry
 * is gone) or broken otherwise — and unused layered entries. Exit status 1 when any chain is
 * orphaned or broken (`[WSAEPROVIDERFAILEDINIT]`, what sockets on them fail with), 0 otherwise.
 * A catalog file that does not exist is the default catalog (nothing is created).
 */
async function verify(operands: string[], args: ParsedArguments, context: CliContext): Promise<number> {
  noOperands('catalog verify', operands);
  const file = resolveCatalogFile(args, context);
  const progress = new Progress(context.stderr, context.stderrIsTTY === true);
  progress.update(`reading ${file}`, true);
  let report: ReturnType<typeof verifyCatalogChains>;
  let view: Awaited<ReturnType<typeof readCatalog>>;
  try {
    view = await readCatalog(file, context);
    progress.update(`checking the chains of ${view.snapshot.entries.length} entries`, true);
    report = verifyCatalogChains(view.snapshot.entries);
  } finally {
    progress.done();
  }
  const { snapshot } = view;
  if (args.flags.has('json')) {
    context.stdout(jsonText({ ...catalogVerification(file, snapshot, report), exists: view.exists }));
  } else {
    context.stdout(
      formatCatalogVerification(
        file,
        snapshot,
        report,
        paletteFor(colourEnabled(context.stdoutIsTTY, context.env)),
      ),
    );
  }
  if (report.broken.length === 0) return EXIT_OK;
  const { red } = paletteFor(colourEnabled(context.stderrIsTTY, context.env));
  context.stderr(
    `${red(`[${wsaErrorName(WSAEPROVIDERFAILEDINIT)}]`)} ${report.broken.length} chain ${report.broken.length === 1 ? 'entry' : 'entries'} in ${escapeControlCharacters(file)} cannot be loaded; run 'ws2spi catalog reset' to repair, or 'ws2spi lsp remove GUID' for one LSP\n`,
  );
  return EXIT_FAILURE;
}
