/**
 * Text that is safe to put on a terminal, and colour only where a person reads it.
 *
 * A catalog file is data anyone may have written: a `szProtocol` or a provider path holding
 * `ESC [ 2 J`, a carriage return or a right-to-left override would clear, rewrite or reorder what
 * `ws2spi` prints. Every string from a catalog (or any message quoting one) passes through
 * `escapeControlCharacters` before it reaches human output; `--json` output escapes the same
 * characters as `\uXXXX`.
 * @module
 */

/**
 * C0 controls but tab and newline (handled by the caller), DEL, C1 controls, the line and
 * paragraph separators, and the bidirectional formatting characters (embeddings, overrides,
 * isolates, marks) that reorder what surrounds them.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028-\u202E\u2066-\u2069]/g;
/** The same set, tab and newline included: for one field of a line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNSAFE_IN_FIELD = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028-\u202E\u2066-\u2069]/g;

function escapeCharacter(character: string): string {
  const code = character.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`
    : `\\u{${code.toString(16).toUpperCase()}}`;
}

/**
 * `text` with every control or reordering character written as `\xNN` / `\u{NNNN}`, so it prints
 * as what it is. Tab and newline are escaped too: a catalog string is one field of one line.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(UNSAFE_IN_FIELD, escapeCharacter);
}

/** A message of several lines for the terminal: like `escapeControlCharacters`, keeping newlines and tabs. */
export function escapeMessage(text: string): string {
  return text.replace(UNSAFE, escapeCharacter);
}

/**
 * `JSON.stringify(value, null, 2)` plus a newline, with the characters JSON leaves raw but a
 * terminal would act on (DEL, C1 controls, separators, bidirectional formatting) written as
 * `\uXXXX`. The result parses to the same value.
 */
export function jsonText(value: unknown): string {
  const text = JSON.stringify(value, null, 2).replace(
    UNSAFE,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `${text}\n`;
}

/** SGR sequences for the few styles `ws2spi` uses; identity functions when colour is off. */
export interface Palette {
  readonly enabled: boolean;
  readonly bold: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly green: (text: string) => string;
}

const sgr =
  (on: number, off: number) =>
  (text: string): string =>
    `\x1b[${on}m${text}\x1b[${off}m`;

const COLOURED: Palette = {
  enabled: true,
  bold: sgr(1, 22),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  green: sgr(32, 39),
};

const identity = (text: string): string => text;
const PLAIN: Palette = { enabled: false, bold: identity, red: identity, yellow: identity, green: identity };

/**
 * Whether output to a stream gets colour: only when it is a terminal, `NO_COLOR` is unset or empty
 * (https://no-color.org), and `TERM` is not `dumb`.
 */
export function colourEnabled(
  isTTY: boolean | undefined,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** The palette for a stream: coloured or plain. */
export function paletteFor(enabled: boolean): Palette {
  return enabled ? COLOURED : PLAIN;
}
