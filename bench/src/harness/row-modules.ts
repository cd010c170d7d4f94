/**
 * Finding the row modules: every `*-bench.js` beside the runner in `bench/dist/`. A new family of
 * figures is a new `bench/src/<family>-bench.ts` exporting `figures: Figure[]`; nothing else needs
 * to change. Known families print in the order, others after them by name.
 * @module
 */

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Figure } from './figure';

/** The order of the table: controls first, then the families of issue 11's table. */
const FAMILY_ORDER = ['control', 'tcp', 'osi', 'dispatch', 'in-memory', 'layer', 'wsk'];

/** A row module: its file and its figures. */
export interface RowModule {
  /** The family name, from the file name (`tcp` for `tcp-bench.js`). */
  family: string;
  /** Absolute path of the compiled module. */
  file: string;
  figures: readonly Figure[];
}

function rank(family: string): number {
  const i = FAMILY_ORDER.indexOf(family);
  return i < 0 ? FAMILY_ORDER.length : i;
}

/**
 * The row modules in `directory`, loaded, in table order. A `*-bench.js` that exports no `figures`
 * is left out with a warning (`warn`), so that a module written for another runner cannot stop
 * the others from running.
 */
export function loadRowModules(directory: string, warn: (text: string) => void = () => {}): RowModule[] {
  const files = readdirSync(directory).filter((name) => name.endsWith('-bench.js'));
  const modules: RowModule[] = [];
  for (const name of files) {
    const file = join(directory, name);
    const loaded = require(file) as { figures?: readonly Figure[] };
    if (!Array.isArray(loaded.figures)) {
      warn(`${name} exports no figures (Figure[]): not part of the table`);
      continue;
    }
    modules.push({ family: name.slice(0, -'-bench.js'.length), file, figures: loaded.figures });
  }
  return modules.sort((a, b) => rank(a.family) - rank(b.family) || a.family.localeCompare(b.family));
}
