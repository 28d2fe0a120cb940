export function summarize(values: number[], unit = 'ms'): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return `min ${sorted[0]} ${unit}, median ${Math.round(median)} ${unit}, max ${sorted[sorted.length - 1]} ${unit}`;
}
