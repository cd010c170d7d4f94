/**
 * What one row of `pnpm bench` is. A figure compares a *variant* (ws2spi doing something) with a
 * *baseline* (the same work done by raw Node, the bare SimNetwork, the provider's own proc table,
 * …) measured in the same process, and reports the ratio of the two — never an absolute time, so
 * the table compares across machines.
 *
 * Figures live in row modules, `bench/src/<family>-bench.ts`, each exporting `figures`; the runner
 * finds every such module in `bench/dist/` and runs each figure in a fresh Node process of its own
 * (so that nothing one figure leaves behind — async hooks, heap, sockets — reaches another).
 * @module
 */

/**
 * What the median ratio must be. Ratios are oriented so that a cost figure (time, bytes) is
 * `variant / baseline` and a throughput figure is `baseline time / variant time`.
 */
export type Target =
  /** Lower is better: the ratio must not exceed `value` (costs, latencies, heap). */
  | { kind: 'at-most'; value: number }
  /** Higher is better: the ratio must reach `value` (throughput). */
  | { kind: 'at-least'; value: number }
  /** An A/A control: the ratio should stay within the band; its spread is the noise of the run. */
  | { kind: 'within'; low: number; high: number }
  /** No target: a reference the other figures are read against (a bound, a cost of Node itself). */
  | { kind: 'reference' };

/** What a figure's `run` is given. */
export interface FigureContext {
  /** `--quick`: small sizes and few rounds (CI checks that every figure runs, not its numbers). */
  readonly quick: boolean;
  /** Measured rounds (after warm-up): the figure's own choice for this mode, or `--rounds`. */
  readonly rounds: number;
  /** A progress line on stderr. */
  note(text: string): void;
}

/** A measured amount, for the detail column (median baseline and variant). */
export interface Quantity {
  value: number;
  unit: string;
}

/** What a figure measured. */
export interface FigureOutcome {
  /** One oriented ratio per measured round (see `Target`). The table shows their median and spread. */
  ratios: number[];
  /** The median cost of the baseline rounds, for context. */
  baseline?: Quantity;
  /** The median cost of the variant rounds, for context. */
  variant?: Quantity;
  /** Anything a reader needs to interpret the figure (a second measure, what bounds it). */
  note?: string;
}

/** One row of the table. */
export interface Figure {
  /** Stable identifier, `<family>.<what>` (`tcp.throughput.ws2`); `--only` matches on it. */
  id: string;
  /** The row as a reader knows it: what is compared with what. */
  title: string;
  target: Target;
  /** How the value is shown: a ratio (`0.93×`) or a yes/no check (a ratio of 0 is "none"). */
  display?: 'ratio' | 'check';
  /** Measured rounds in a full run and with `--quick` (default 15 / 3). */
  rounds?: { full: number; quick: number };
  /** Measures the figure. Throw to report it as failed. */
  run(context: FigureContext): Promise<FigureOutcome>;
}

/** True when `ratio` meets `target`. */
export function meets(target: Target, ratio: number): boolean {
  switch (target.kind) {
    case 'at-most':
      return ratio <= target.value;
    case 'at-least':
      return ratio >= target.value;
    case 'within':
      return ratio >= target.low && ratio <= target.high;
    case 'reference':
      return true;
  }
}

/** The target as the table prints it: `≤ 1.10×`, `≥ 0.90×`, `0.95–1.05×`, `none`, `reference`. */
export function describeTarget(target: Target, display: Figure['display'] = 'ratio'): string {
  if (display === 'check') return target.kind === 'at-most' && target.value === 0 ? 'none' : 'yes';
  switch (target.kind) {
    case 'at-most':
      return `≤ ${target.value.toFixed(2)}×`;
    case 'at-least':
      return `≥ ${target.value.toFixed(2)}×`;
    case 'within':
      return `${target.low.toFixed(2)}–${target.high.toFixed(2)}×`;
    case 'reference':
      return 'reference';
  }
}
