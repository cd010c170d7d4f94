/**
 * Baseline and variant measured in alternating rounds of one process: round 1 runs the baseline
 * then the variant, round 2 the variant then the baseline, and so on, so that whatever drifts
 * during the run (other processes on a shared machine, the JIT, the heap's size) reaches both
 * sides alike. Each round gives one ratio; the figure is their median.
 * @module
 */

import type { FigureContext, FigureOutcome } from './figure';
import { median } from './statistics';
import { timeUnit } from './timing';

/** One side of a comparison: `round()` does the work once and returns its cost (ms, bytes, …). */
export type Round = () => Promise<number>;

/** What `interleave` compares. */
export interface Comparison {
  baseline: Round;
  variant: Round;
  /**
   * `'cost'` (default): each round's ratio is variant / baseline (lower is better);
   * `'throughput'`: the costs are times for the same work, the ratio is baseline / variant.
   */
  orientation?: 'cost' | 'throughput';
  /** Unit of the costs, for the detail column (default: the clock's, `ms` or `ms cpu`). */
  unit?: string;
  /** Rounds run first and thrown away (JIT warm-up); default 1. */
  warmup?: number;
}

/** Runs `context.rounds` interleaved rounds (after warm-up) and returns their ratios. */
export async function interleave(context: FigureContext, comparison: Comparison): Promise<FigureOutcome> {
  const warmup = comparison.warmup ?? 1;
  const baselines: number[] = [];
  const variants: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < warmup + context.rounds; round++) {
    let base: number;
    let variant: number;
    if (round % 2 === 0) {
      base = await comparison.baseline();
      variant = await comparison.variant();
    } else {
      variant = await comparison.variant();
      base = await comparison.baseline();
    }
    if (round < warmup) continue;
    baselines.push(base);
    variants.push(variant);
    ratios.push(comparison.orientation === 'throughput' ? base / variant : variant / base);
    context.note(`round ${round - warmup + 1}/${context.rounds}: ${ratios[ratios.length - 1]!.toFixed(3)}`);
  }
  const unit = comparison.unit ?? timeUnit();
  return {
    ratios,
    baseline: { value: median(baselines), unit },
    variant: { value: median(variants), unit },
  };
}
