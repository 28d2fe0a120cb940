import fs from 'node:fs';
import path from 'node:path';
import { CHARTS_DIR } from '../../generator/paths.ts';

/** The charts chart-testing sees: every directory under charts/ with a Chart.yaml (subchart copies excluded). */
export function chartDirs(): string[] {
  return fs.readdirSync(CHARTS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(CHARTS_DIR, e.name, 'Chart.yaml')))
    .map((e) => path.join(CHARTS_DIR, e.name))
    .sort();
}

/** ci/*-values.yaml of a chart, the files `ct lint` and `ct install` use (none: the defaults). */
export function ciValuesFiles(chartDir: string): string[] {
  const ci = path.join(chartDir, 'ci');
  if (!fs.existsSync(ci)) return [];
  return fs.readdirSync(ci).filter((f) => f.endsWith('-values.yaml')).sort().map((f) => path.join(ci, f));
}
