import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lastReleaseTag } from '../../generator/emit/versions.ts';
import { REPO_ROOT } from '../../generator/paths.ts';

/**
 * The umbrella chart as the last release shipped it: `charts/` at the newest `v<semver>` tag, extracted into a
 * temporary folder (removed when the process exits). Fails, naming the fix, when no release is tagged.
 */
export function releasedChart(): { tag: string; chartDir: string } {
  const tag = lastReleaseTag(REPO_ROOT);
  if (!tag) throw new Error('no release tag (v<semver>) reachable from HEAD: the chart upgrade starts from the last release (git fetch --tags)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `redis-charts-${tag}-`));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const archive = execFileSync('git', ['-C', REPO_ROOT, 'archive', '--format=tar', tag, 'charts'], { maxBuffer: 64 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  return { tag, chartDir: path.join(dir, 'charts', 'redis') };
}
