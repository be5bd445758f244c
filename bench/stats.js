// Small statistics helpers for the benchmark.

/** Nearest-rank percentile of a list of numbers, q in (0, 1]; NaN for an empty list. */
export function percentile(values, q) {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1];
}

/** Median of a list of numbers; for an even count, the mean of the two middle values. */
export function median(values) {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = Float64Array.from(values).sort();
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Estimates a percentile from cumulative Prometheus buckets (Map of upper
 * bound in seconds to count). Returns the upper bound of the bucket that contains
 * it, which is all a histogram can tell, or undefined with no observations.
 */
export function bucketPercentile(before, after, q) {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((bound) => after.get(bound) - (before.get(bound) ?? 0));
  const total = counts.at(-1) ?? 0;
  if (total === 0) {
    return undefined;
  }
  const index = counts.findIndex((count) => count >= q * total);
  return bounds[index];
}
