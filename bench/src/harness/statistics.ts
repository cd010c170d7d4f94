/**
 * Order statistics of a sample: the median the table reports and the quartiles of its spread.
 * @module
 */

/** The `q`-quantile (0…1) of `values`, linearly interpolated; NaN for an empty sample. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.ceil(at);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median, quartiles and extremes of a sample. */
export interface Summary {
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
  count: number;
}

/** Summarises a sample. */
export function summarize(values: readonly number[]): Summary {
  return {
    median: median(values),
    p25: quantile(values, 0.25),
    p75: quantile(values, 0.75),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
    count: values.length,
  };
}
