// Latency samples and percentiles. Every sample is kept (a few million doubles at most) so the
// percentiles are exact, not read from histogram buckets.

export class Samples {
  constructor(initialCapacity = 1 << 16) {
    this.values = new Float64Array(initialCapacity);
    this.count = 0;
  }

  add(value) {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = value;
  }

  /** { count, p50, p95, p99, max, mean } in the samples' unit; null figures when empty. */
  summary() {
    if (this.count === 0) return { count: 0, p50: null, p95: null, p99: null, max: null, mean: null };
    const sorted = this.values.slice(0, this.count).sort();
    let sum = 0;
    for (let i = 0; i < sorted.length; i++) sum += sorted[i];
    return {
      count: this.count,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1],
      mean: sum / sorted.length,
    };
  }
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Rounds for display and JSON: 3 significant decimals below 10, fewer above. */
export function round(value, digits = null) {
  if (value === null || value === undefined || Number.isNaN(value)) return null;
  const d = digits ?? (Math.abs(value) < 10 ? 2 : Math.abs(value) < 100 ? 1 : 0);
  const f = 10 ** d;
  return Math.round(value * f) / f;
}

/** A summary() with its figures rounded for the results. */
export function roundSummary(summary) {
  return { count: summary.count, p50: round(summary.p50), p95: round(summary.p95), p99: round(summary.p99), max: round(summary.max), mean: round(summary.mean) };
}
