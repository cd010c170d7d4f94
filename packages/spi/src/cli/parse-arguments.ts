import { UsageError } from './cli-context';

/** The command line split into words and options. */
export interface ParsedArguments {
  /** Command words and their operands, in order (`catalog`, `order`, `1002`, `1001`). */
  readonly positionals: string[];
  /** Options with a value (`--catalog FILE`, `--from=FILE`), by name without dashes. */
  readonly values: Map<string, string>;
  /** Options without a value (`--json`, `--help`, `--version`), by name without dashes. */
  readonly flags: Set<string>;
}

/** The options `ws2spi` knows: those that take a value, and the plain flags (with short aliases). */
const VALUE_OPTIONS = new Set(['catalog', 'from', 'name', 'path', 'guid']);
const FLAG_OPTIONS = new Set(['json', 'help', 'version', 'force', 'ifs']);
const SHORT_FLAGS: Record<string, string> = { '-h': 'help', '-V': 'version' };

/**
 * A small hand parser (no CLI framework): options may stand anywhere (`ws2spi --catalog F catalog
 * show` and `ws2spi catalog show --catalog F` are the same); `--name value` and `--name=value` both
 * work; `--` ends the options. Unknown options, a missing value and a repeated value option are
 * `UsageError`s. Which command accepts which option is checked by the command.
 */
export function parseArguments(argv: readonly string[]): ParsedArguments {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (word in SHORT_FLAGS) {
      flags.add(SHORT_FLAGS[word]);
      continue;
    }
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    if (!word.startsWith('--')) throw new UsageError(`unknown option '${word}'`);
    const equals = word.indexOf('=');
    const name = word.slice(2, equals < 0 ? undefined : equals);
    if (VALUE_OPTIONS.has(name)) {
      let value: string | undefined;
      if (equals >= 0) value = word.slice(equals + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      if (value === undefined || value === '') throw new UsageError(`option '--${name}' needs a value`);
      if (values.has(name)) throw new UsageError(`option '--${name}' is given twice`);
      values.set(name, value);
    } else if (FLAG_OPTIONS.has(name)) {
      if (equals >= 0) throw new UsageError(`option '--${name}' takes no value`);
      flags.add(name);
    } else {
      throw new UsageError(`unknown option '--${name}'`);
    }
  }
  return { positionals, values, flags };
}
