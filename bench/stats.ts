/** A distribution as the benchmarks print it: p50 / p95 / max over every run (nearest-rank percentiles). */
export function summarize(values: number[], unit = 'ms'): string {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return `p50 ${rank(50)} ${unit}, p95 ${rank(95)} ${unit}, max ${sorted[sorted.length - 1]} ${unit} (n=${sorted.length})`;
}
