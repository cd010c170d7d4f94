/**
 * `ws2spi lsp install` and `ws2spi lsp remove`: a layered service provider (LSP) with its chains, in
 * one step each — the Vista way (`WSCInstallProviderAndChains`) to install, and the removal that
 * first fixes or removes every chain that runs through the LSP, so nothing is left orphaned.
 * @module
 */

import { randomUUID } from 'node:crypto';
import * as addressFamilies from '../constants/address-families';
import { wsaErrorName } from '../constants/error-codes';
import * as protocols from '../constants/protocols';
import { XP1_IFS_HANDLES } from '../constants/service-flags';
import * as socketTypes from '../constants/socket-types';
import { installProviderAndChains } from '../lsp/install-provider-and-chains';
import { removeLayeredProviderChecked } from '../lsp/remove-layered-provider';
import { formatGuid, type GUID } from '../types/guid';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { openCatalogForChange, resolveCatalogFile } from './catalog-access';
import { printChange } from './change-report';
import type { CliContext } from './cli-context';
import { EXIT_OK, OperationError, UsageError } from './cli-context';
import { LSP_HELP, LSP_INSTALL_HELP, LSP_REMOVE_HELP } from './help-text';
import type { ParsedArguments } from './parse-arguments';
import { type CommandGroup, guidOperand, runCommandGroup } from './subcommand';

/** `ws2spi lsp …`. */
export const LSP_COMMANDS: CommandGroup = {
  name: 'lsp',
  help: LSP_HELP,
  subcommands: {
    install: {
      help: LSP_INSTALL_HELP,
      valueOptions: ['name', 'path', 'guid'],
      flagOptions: ['ifs'],
      run: installLsp,
    },
    remove: { help: LSP_REMOVE_HELP, valueOptions: [], flagOptions: [], run: removeLsp },
  },
};

/** Runs `ws2spi lsp <subcommand> …`; `operands` are the words after `lsp`. */
export function runLspCommand(
  operands: string[],
  args: ParsedArguments,
  context: CliContext,
): Promise<number> {
  return runCommandGroup(LSP_COMMANDS, operands, args, context);
}

type Triple = Pick<WSAPROTOCOL_INFOW, 'iAddressFamily' | 'iSocketType' | 'iProtocol'>;

/** A number, or the name of a constant of `table` with one of `prefixes` (`AF_INET`, `SOCK_STREAM`). */
function tripleMember(
  word: string,
  table: Record<string, unknown>,
  prefixes: readonly string[],
): number | undefined {
  if (/^\d{1,10}$/.test(word)) return Number(word);
  const value = prefixes.some((prefix) => word.startsWith(prefix)) ? table[word] : undefined;
  return typeof value === 'number' ? value : undefined;
}

/** `af,type,protocol` with numbers or names: `2,1,6`, `AF_INET,SOCK_STREAM,IPPROTO_TCP`. */
function parseTarget(word: string): Triple {
  const parts = word.split(',');
  const usage = () =>
    new UsageError(
      `'${word}' is not a protocol to layer over (af,type,protocol, e.g. AF_INET,SOCK_STREAM,IPPROTO_TCP or 2,1,6)`,
      'ws2spi lsp install --help',
    );
  if (parts.length !== 3) throw usage();
  const af = tripleMember(parts[0], addressFamilies, ['AF_', 'PF_']);
  const type = tripleMember(parts[1], socketTypes, ['SOCK_']);
  const protocol = tripleMember(parts[2], protocols, ['IPPROTO_', 'ISOPROTO_', 'NSPROTO_', 'BTHPROTO_']);
  if (af === undefined || type === undefined || protocol === undefined) throw usage();
  return { iAddressFamily: af, iSocketType: type, iProtocol: protocol };
}

async function installLsp(operands: string[], args: ParsedArguments, context: CliContext): Promise<number> {
  const name = args.values.get('name');
  const modulePath = args.values.get('path');
  if (name === undefined || modulePath === undefined) {
    throw new UsageError('lsp install needs --name NAME and --path MODULE', 'ws2spi lsp install --help');
  }
  const guidText = args.values.get('guid');
  const providerId: GUID =
    guidText === undefined ? randomUUID() : guidOperand(guidText, 'ws2spi lsp install --help');
  const targets = operands.length === 0 ? null : operands.map(parseTarget);
  const file = resolveCatalogFile(args, context);
  const catalog = await openCatalogForChange(file, context);
  const outcome = installProviderAndChains(catalog, {
    providerId,
    path: modulePath,
    lspName: name,
    serviceFlags: args.flags.has('ifs') ? XP1_IFS_HANDLES : 0,
    protocols: targets,
  });
  if (!outcome.ok) {
    if (catalog.lastStoreError) throw catalog.lastStoreError;
    throw new OperationError(
      `[${wsaErrorName(outcome.code)}] WSCInstallProviderAndChains: ${outcome.reason}`,
    );
  }
  const { layeredEntryId, chainEntryIds, chainProviderIds } = outcome.installed;
  printChange(context, args, {
    command: 'lsp install',
    file,
    serial: catalog.serial,
    fields: { providerId, name, path: modulePath, layeredEntryId, chainEntryIds, chainProviderIds },
    text:
      `Installed layered service provider "${name}" ${formatGuid(providerId)}: layered entry ${layeredEntryId}, ` +
      `chain entries ${chainEntryIds.join(', ')}\n`,
  });
  return EXIT_OK;
}

async function removeLsp(operands: string[], args: ParsedArguments, context: CliContext): Promise<number> {
  if (operands.length !== 1)
    throw new UsageError('lsp remove takes exactly one GUID', 'ws2spi lsp remove --help');
  const providerId = guidOperand(operands[0], 'ws2spi lsp remove --help');
  const file = resolveCatalogFile(args, context);
  const catalog = await openCatalogForChange(file, context);
  const outcome = removeLayeredProviderChecked(catalog, providerId);
  if (!outcome.ok) {
    if (catalog.lastStoreError) throw catalog.lastStoreError;
    const notLsp = /is not an LSP|has no layered/.test(outcome.reason)
      ? `\nA provider that is not layered is removed with 'ws2spi catalog remove ${formatGuid(providerId)}'.`
      : '';
    throw new OperationError(`[${wsaErrorName(outcome.code)}] lsp remove: ${outcome.reason}${notLsp}`);
  }
  const { removedEntryIds, updatedEntryIds, removedProviderIds } = outcome.removed;
  const updated =
    updatedEntryIds.length > 0 ? `; chains of other LSPs fixed: ${updatedEntryIds.join(', ')}` : '';
  printChange(context, args, {
    command: 'lsp remove',
    file,
    serial: catalog.serial,
    fields: { providerId, removedEntryIds, updatedEntryIds, removedProviderIds },
    text: `Removed layered service provider ${formatGuid(providerId)}: catalog entries ${removedEntryIds.join(', ')}${updated}\n`,
  });
  return EXIT_OK;
}
