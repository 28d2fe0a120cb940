/** One line of `redis-benchmark --csv` (Redis 7): a command's requests per second and latency percentiles in ms. */
export interface BenchmarkRow {
  test: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const COLUMNS = ['test', 'rps', 'avg_latency_ms', 'min_latency_ms', 'p50_latency_ms', 'p95_latency_ms', 'p99_latency_ms', 'max_latency_ms'];

/** The rows of redis-benchmark's CSV output; a header other than Redis 7's is an error (the columns moved). */
export function parseBenchmarkCsv(text: string): BenchmarkRow[] {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('"'));
  const cells = (line: string) => line.split(',').map((c) => c.replace(/^"|"$/g, ''));
  const [header, ...rows] = lines;
  if (!header || cells(header).join(',') !== COLUMNS.join(',')) throw new Error(`not redis-benchmark 7 CSV (header ${header ?? 'missing'})`);
  return rows.map((line) => {
    const c = cells(line);
    const n = (i: number) => Number(c[i]);
    return { test: c[0]!, rps: n(1), p50: n(4), p95: n(5), p99: n(6), max: n(7) };
  });
}
