/**
 * A command group (`ws2spi catalog …`, `ws2spi lsp …`) as a table of subcommands: each with its
 * help, the options it accepts, and its action. Adding a subcommand is one more row plus its help.
 * @module
 */

import { type GUID, parseGuid } from '../types/guid';
import type { CliContext } from './cli-context';
import { EXIT_OK, UsageError } from './cli-context';
import type { ParsedArguments } from './parse-arguments';

/** One subcommand: its help, the options it accepts besides `--catalog` and `--json`, and its action. */
export interface Subcommand {
  readonly help: string;
  readonly valueOptions: readonly string[];
  readonly flagOptions: readonly string[];
  readonly run: (operands: string[], args: ParsedArguments, context: CliContext) => Promise<number>;
}

/** A command group: its name, its own help, and its subcommands by name. */
export interface CommandGroup {
  readonly name: string;
  readonly help: string;
  readonly subcommands: Readonly<Record<string, Subcommand>>;
}

/** Options every subcommand takes. */
const COMMON_VALUE_OPTIONS = ['catalog'];
const COMMON_FLAG_OPTIONS = ['json'];

/**
 * Runs `ws2spi <group> <subcommand> …` (`operands` are the words after the group's name): help,
 * option checks (an option the subcommand does not take is a usage error), then the action.
 */
export async function runCommandGroup(
  group: CommandGroup,
  operands: string[],
  args: ParsedArguments,
  context: CliContext,
): Promise<number> {
  const [name, ...rest] = operands;
  const names = Object.keys(group.subcommands).join(', ');
  if (name === undefined) {
    if (args.flags.has('help')) {
      context.stdout(group.help);
      return EXIT_OK;
    }
    throw new UsageError(`${group.name}: which command? (${names})`, `ws2spi ${group.name} --help`);
  }
  const subcommand = Object.hasOwn(group.subcommands, name) ? group.subcommands[name] : undefined;
  if (!subcommand) {
    throw new UsageError(`${group.name}: unknown command '${name}'`, `ws2spi ${group.name} --help`);
  }
  if (args.flags.has('help')) {
    context.stdout(subcommand.help);
    return EXIT_OK;
  }
  const helpCommand = `ws2spi ${group.name} ${name} --help`;
  for (const option of args.values.keys()) {
    if (!COMMON_VALUE_OPTIONS.includes(option) && !subcommand.valueOptions.includes(option)) {
      throw new UsageError(`${group.name} ${name} does not take '--${option}'`, helpCommand);
    }
  }
  for (const flag of args.flags) {
    if (!COMMON_FLAG_OPTIONS.includes(flag) && !subcommand.flagOptions.includes(flag)) {
      throw new UsageError(`${group.name} ${name} does not take '--${flag}'`, helpCommand);
    }
  }
  return subcommand.run(rest, args, context);
}

/** A usage error unless `operands` is empty. */
export function noOperands(command: string, operands: string[]): void {
  if (operands.length > 0) {
    throw new UsageError(`${command}: unexpected argument '${operands[0]}'`, `ws2spi ${command} --help`);
  }
}

/** A GUID operand in any form the CLI prints or Windows writes: `{E70F…}`, `e70f…`, braces optional. */
export function guidOperand(word: string, helpCommand: string): GUID {
  const guid = parseGuid(word);
  if (!guid) throw new UsageError(`'${word}' is not a GUID`, helpCommand);
  return guid;
}
