import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, UMBRELLA_DIR } from '../paths.ts';
import { staleFiles } from './check.ts';
import type { OutputFile } from './output.ts';
import { enforceVersionBumps } from './version-lock-file.ts';

/**
 * What `generate` does, and nothing else does: check the chart versions against the changes and record them in the
 * versions lock (VersionBumpError, before anything is written, when a changed chart keeps its version), then bring
 * charts/ in line with the output.
 */
export function writeCharts(files: OutputFile[], root = REPO_ROOT): void {
  enforceVersionBumps(files, root);
  writeTree(files, root);
}

/**
 * Bring `root`/charts/ in line with the output: write what differs, delete what is no longer generated. Files that
 * are already right are left untouched, so a helm reading charts/ meanwhile never sees them missing. Writes no
 * versions lock: that is `generate`'s alone (writeCharts).
 */
export function writeTree(files: OutputFile[], root: string): void {
  for (const stale of staleFiles(files, root)) {
    const target = path.join(root, stale);
    const file = files.find((f) => f.path === stale);
    if (file) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.content);
    } else fs.rmSync(target, { force: true });
  }
  removeEmptyDirs(path.join(root, 'charts'));
}

function removeEmptyDirs(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeEmptyDirs(path.join(dir, entry.name));
  }
  if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
}

/** Generated charts written outside the repository, for a deploy or a render. */
export interface StagedCharts {
  /** The temporary directory's charts/. */
  chartsDir: string;
  /** Its umbrella chart (charts/redis). */
  umbrellaDir: string;
  remove(): void;
}

/**
 * The charts as generator/ makes them now, in a fresh temporary directory: what `up` and `render` deploy or render,
 * so they never write to the repository (neither charts/ nor the versions lock).
 */
export function stageCharts(files: OutputFile[]): StagedCharts {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-staged-'));
  try {
    writeTree(files, root);
  } catch (e) {
    fs.rmSync(root, { recursive: true, force: true });
    throw e;
  }
  const chartsDir = path.join(root, 'charts');
  return { chartsDir, umbrellaDir: path.join(root, path.relative(REPO_ROOT, UMBRELLA_DIR)), remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}
