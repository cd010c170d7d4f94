/**
 * Reads `../shared/reference/winsock-spi.md` (beside the repository, in CI too) and extracts the
 * facts the tests compare our constants and tables against: every `NAME | value` table row and
 * the inline `NAME`=value / `NAME` = value / `NAME` value / `NAME` (value) facts of the prose.
 *
 * The parser is deliberately strict (a name must look like a C constant, a value must be a whole
 * number literal) so that it extracts only what it can read without guessing; the tests guard
 * against the opposite failure, a parse that silently matches nothing, with minimum counts.
 * @module
 */

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One `NAME = value` fact read from the reference. */
export interface ReferenceFact {
  name: string;
  value: number;
  /**
   * The reference wrote the value as `~n`: a C bit pattern whose width depends on the type
   * (`INVALID_SOCKET` is `(SOCKET)(~0)`), so it is compared as a 32-bit pattern.
   */
  bitPattern: boolean;
  /** 1-based line in winsock-spi.md. */
  line: number;
  /** The heading of the section the fact is in, e.g. `1.6 Winsock error codes …`. */
  section: string;
  form: 'table' | 'inline' | 'address-family';
  /**
   * Set when the reference abbreviated the name (`_MULTIPOINT_C_ROOT` after `WSA_FLAG_OVERLAPPED`);
   * `name` is then the abbreviation and `anchor` the full name it continues.
   */
  anchor?: string;
}

/** A range the reference gives only by its ends, e.g. `WSA_QOS_RECEIVERS … WSA_QOS_RESERVED_PETYPE | 11005 … 11031`. */
export interface ReferenceRange {
  first: { name: string; value: number };
  last: { name: string; value: number };
  line: number;
  section: string;
}

/** Everything read from the reference. */
export interface WinsockReference {
  path: string;
  lines: string[];
  facts: ReferenceFact[];
  ranges: ReferenceRange[];
}

/** Finds the repository root (the directory holding pnpm-workspace.yaml) above `from`. */
export function findRepoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    dir = parent;
  }
}

/** The team's living reference, `../shared/reference/winsock-spi.md` beside the repository. */
export function sharedReferencePath(): string {
  return path.resolve(findRepoRoot(), '../shared/reference/winsock-spi.md');
}

/**
 * The snapshot of that reference kept in this repository, so a clone on its own still checks its
 * constants; `reference-snapshot.test.ts` fails when it drifts from the shared copy.
 */
export function snapshotReferencePath(): string {
  return path.resolve(findRepoRoot(), 'packages/spi/test/fixtures/reference/winsock-spi.md');
}

/** The reference the tests read: the shared copy when it is there, else the snapshot. */
export function referencePath(): string {
  const shared = sharedReferencePath();
  return existsSync(shared) ? shared : snapshotReferencePath();
}

// A C constant as the reference writes it: starts upper case and is either all upper case
// (`WSAEINTR`) or has an underscore (`AF_DECnet`, `XP1_IFS_HANDLES`). Struct fields (`iSocketType`)
// and proc-table members (`lpWSPAccept`) do not qualify.
const constantName = /^[A-Z][A-Za-z0-9_]*$/;
function isConstantName(text: string): boolean {
  return constantName.test(text) && (/^[A-Z0-9_]+$/.test(text) || text.includes('_'));
}

// In a table cell a bare all-capitals word may be a C type (`DWORD`); only Winsock's own
// underscore-free names (`WSAEINTR`, `WSANOTINITIALISED`) are taken without an underscore.
function isTableConstantName(text: string): boolean {
  return isConstantName(text) && (text.includes('_') || /^WSA[A-Z]+$/.test(text));
}

const numberLiteral = /^\(?\s*(~)?\s*(-)?\s*(0x[0-9a-fA-F]+|\d+)\s*\)?$/;

/** Parses `10042`, `0x2005`, `-1`, `(-1)`, `~0`; `undefined` for anything else. */
export function parseNumber(text: string): { value: number; bitPattern: boolean } | undefined {
  const m = numberLiteral.exec(text.trim());
  if (!m) return undefined;
  const magnitude = Number(m[3]);
  const signed = m[2] ? -magnitude : magnitude;
  return m[1] ? { value: ~signed, bitPattern: true } : { value: signed, bitPattern: false };
}

function clean(cell: string): string {
  return cell.replace(/\*\*/g, '').replace(/`/g, '').trim();
}

function tableCells(line: string): string[] | undefined {
  const t = line.trim();
  if (!t.startsWith('|') || !t.endsWith('|')) return undefined;
  return t.slice(1, -1).split('|').map(clean);
}

type Sink = (name: string, value: number, bitPattern: boolean, form: ReferenceFact['form']) => void;

/**
 * One `name | value` cell pair: `NAME | v`, `A / B | v1 / v2`, `NAME (= ALIAS) | v`, or a range
 * `FIRST … LAST | v1 … v2`. Returns the range for the last form.
 */
function readCellPair(
  nameCell: string,
  valueCell: string,
  emit: Sink,
): { first: string; last: string; v1: number; v2: number } | undefined {
  const range = /^(\S+)\s*…\s*(\S+)$/;
  const nr = range.exec(nameCell);
  const vr = range.exec(valueCell);
  if (nr && vr) {
    const v1 = parseNumber(vr[1]!);
    const v2 = parseNumber(vr[2]!);
    if (isConstantName(nr[1]!) && isConstantName(nr[2]!) && v1 && v2) {
      return { first: nr[1]!, last: nr[2]!, v1: v1.value, v2: v2.value };
    }
    return undefined;
  }
  const alias = /^(\S+)\s*\(=\s*(\S+)\)$/.exec(nameCell);
  if (alias) {
    const v = parseNumber(valueCell);
    if (v && isConstantName(alias[1]!) && isConstantName(alias[2]!)) {
      emit(alias[1]!, v.value, v.bitPattern, 'table');
      emit(alias[2]!, v.value, v.bitPattern, 'table');
    }
    return undefined;
  }
  const names = nameCell.split('/').map((s) => s.trim());
  const values = valueCell.split('/').map((s) => parseNumber(s));
  if (names.length !== values.length || !names.every(isTableConstantName)) return undefined;
  if (!values.every((v) => v !== undefined)) return undefined;
  names.forEach((name, i) => {
    emit(name, values[i]!.value, values[i]!.bitPattern, 'table');
  });
  return undefined;
}

// `NAME`=v, `NAME` = v, `NAME` = OTHER_NAME = v, `NAME` v, `NAME` (v), `NAME`(v). The value must
// end there (not `2 bytes`-style prose is fine, `0x10,` is fine, `1.5` or `10a` is not).
const inlineFact =
  /`(_?[A-Za-z][A-Za-z0-9_]*)`(?:\s*=\s*(?:[A-Za-z_][A-Za-z0-9_]*\s*=\s*)*|\s|\s*(?=\())(\(?\s*~?-?(?:0x[0-9a-fA-F]+|\d+)\s*\)?)(?!\w|\.\d)/g;
// Address families written bare, e.g. `AF_DECnet 12` or `AF_UNSPEC (0)`.
const bareAddressFamily = /\b(AF_[A-Za-z0-9]+)\s*\(?(\d+)\)?(?!\w|\.\d)/g;
// `ChainLen == 1` (`BASE_PROTOCOL`).
const chainLength = /`ChainLen == (\d+)`\s*\(`([A-Z_]+)`\)/g;

/** Reads and parses the reference. Throws with the path if it is not there. */
export function loadWinsockReference(file: string = referencePath()): WinsockReference {
  if (!existsSync(file)) {
    throw new Error(
      `winsock-spi.md not found at ${file}: neither the shared reference beside the repository nor the snapshot`,
    );
  }
  const lines = readFileSync(file, 'utf8').split('\n');
  const facts: ReferenceFact[] = [];
  const ranges: ReferenceRange[] = [];
  let section = '';
  let lastFullInlineName: string | undefined;

  // Column indexes of the `Value` columns of the table being read (the name is the column before
  // each); undefined outside a table or in a table without a `Value` column (struct layouts etc.).
  let valueColumns: number[] | undefined;
  let inTable = false;

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const emit: Sink = (name, value, bitPattern, form) => {
      facts.push({ name, value, bitPattern, line: lineNo, section, form });
    };
    const heading = /^#{1,6}\s+(.*)$/.exec(raw);
    if (heading) section = heading[1]!.replace(/`/g, '').trim();

    const cells = tableCells(raw);
    if (!cells) {
      inTable = false;
      valueColumns = undefined;
    } else if (!inTable) {
      inTable = true;
      valueColumns = cells.flatMap((c, i) => (c === 'Value' && i > 0 ? [i] : []));
    } else if (valueColumns && !cells.every((c) => /^:?-+:?$/.test(c))) {
      for (const v of valueColumns) {
        const r = readCellPair(cells[v - 1] ?? '', cells[v] ?? '', emit);
        if (r) {
          ranges.push({
            first: { name: r.first, value: r.v1 },
            last: { name: r.last, value: r.v2 },
            line: lineNo,
            section,
          });
        }
      }
    }

    const prose = raw.replace(/\*\*/g, '');
    for (const m of prose.matchAll(inlineFact)) {
      const name = m[1]!;
      const v = parseNumber(m[2]!);
      if (!v) continue;
      if (name.startsWith('_')) {
        if (lastFullInlineName) {
          facts.push({
            name,
            value: v.value,
            bitPattern: v.bitPattern,
            line: lineNo,
            section,
            form: 'inline',
            anchor: lastFullInlineName,
          });
        }
        continue;
      }
      // In backticks a name may also be an enum member (`ProviderInfoLspCategories` = 0).
      if (!constantName.test(name)) continue;
      lastFullInlineName = name;
      emit(name, v.value, v.bitPattern, 'inline');
    }
    // §1.2 names the chain lengths the other way round: `ChainLen == 0` (`LAYERED_PROTOCOL`).
    for (const m of prose.matchAll(chainLength)) emit(m[2]!, Number(m[1]), false, 'inline');

    // The one line that lists the address families without backticks: "Address families: AF_UNSPEC 0, …".
    const afLine = /^Address families:\s*(.*)$/.exec(raw.trim());
    if (afLine) {
      for (const item of afLine[1]!.replace(/\.$/, '').split(/,\s*/)) {
        const m = /^(\S+)\s+(\d+)$/.exec(item.trim());
        if (!m) throw new Error(`winsock-spi.md:${lineNo}: cannot read address family item "${item}"`);
        for (const name of m[1]!.split('/')) emit(name, Number(m[2]), false, 'address-family');
      }
    } else {
      for (const m of prose.replace(/`[^`]*`/g, ' ').matchAll(bareAddressFamily)) {
        emit(m[1]!, Number(m[2]), false, 'inline');
      }
    }
  });

  return { path: file, lines, facts, ranges };
}

/**
 * The first markdown table after the heading that starts with `headingPrefix` (e.g. `2.1`), as rows
 * of cleaned cells, header and separator rows dropped.
 */
export function tableAfterHeading(ref: WinsockReference, headingPrefix: string): string[][] {
  const start = ref.lines.findIndex((l) => {
    const h = /^#{1,6}\s+(.*)$/.exec(l);
    return h !== null && h[1]!.startsWith(headingPrefix);
  });
  if (start < 0) throw new Error(`no heading "${headingPrefix}" in ${ref.path}`);
  const rows: string[][] = [];
  let i = start + 1;
  while (i < ref.lines.length && !tableCells(ref.lines[i]!)) {
    if (/^#{1,6}\s/.test(ref.lines[i]!)) throw new Error(`no table under heading "${headingPrefix}"`);
    i++;
  }
  for (; i < ref.lines.length; i++) {
    const cells = tableCells(ref.lines[i]!);
    if (!cells) break;
    rows.push(cells);
  }
  // rows[0] is the header, rows[1] the |---| separator.
  return rows.slice(2);
}

/**
 * The members of a `| # | Member | # | Member | … |` table (§2.1, §2.2) in index order: the table
 * may be laid out in several column pairs, so members are placed by their `#`.
 */
export function numberedMembers(rows: string[][]): string[] {
  const byIndex = new Map<number, string>();
  for (const row of rows) {
    for (let i = 0; i + 1 < row.length; i++) {
      if (!/^\d+$/.test(row[i]!)) continue;
      const member = row[i + 1]!;
      if (!/^lp[A-Za-z]+$/.test(member)) continue;
      const n = Number(row[i]);
      if (byIndex.has(n)) throw new Error(`member #${n} appears twice`);
      byIndex.set(n, member);
    }
  }
  const out: string[] = [];
  for (let n = 0; n < byIndex.size; n++) {
    const member = byIndex.get(n);
    if (member === undefined) throw new Error(`member #${n} is missing from the table`);
    out.push(member);
  }
  return out;
}
