import { dashboard } from './dashboard.ts';

/** Files the generator writes into a chart's files/ from TypeScript sources, beside the copied ones. */
export function generatedChartFiles(chartName: string): { name: string; content: string }[] {
  if (chartName !== 'redis-alerts') return [];
  return [{ name: 'dashboard.json', content: `${JSON.stringify(dashboard(), null, 2)}\n` }];
}
