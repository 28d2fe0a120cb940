import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lastRelease, releasedPackage } from '../../generator/emit/releases.ts';

/**
 * The umbrella chart as the last release shipped it (releases/redis-<version>.tgz, checked against its recorded
 * sha256), extracted into a temporary folder removed when the process exits.
 */
export function releasedChart(): { version: string; chartDir: string } {
  const release = lastRelease();
  if (!release) throw new Error('releases/releases.json records no release: the chart upgrade starts from the last release (npm run release:record -- <git ref>)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `redis-charts-${release.version}-`));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  execFileSync('tar', ['-xzf', releasedPackage(release), '-C', dir]);
  return { version: release.version, chartDir: path.join(dir, 'redis') };
}
