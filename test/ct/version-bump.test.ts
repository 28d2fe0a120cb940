import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { compareSemver, isSemver, lastReleaseTag } from '../../generator/emit/versions.ts';
import { REPO_ROOT } from '../../generator/paths.ts';
import { chartDirs } from './charts.ts';

// ct's check-version-increment: a chart that differs from main needs a higher version than main has.
function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', REPO_ROOT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The commit changes are measured against: where this branch left main (a pull request, as ct does); on
 * main itself, the last release tag. None before the first release.
 */
function baseCommit(): { base: string } | { none: string } {
  const main = git(['rev-parse', '--verify', '--quiet', 'main^{commit}']) ?? git(['rev-parse', '--verify', '--quiet', 'origin/main^{commit}']);
  const head = git(['rev-parse', 'HEAD']);
  const mergeBase = main ? git(['merge-base', 'HEAD', main]) : undefined;
  if (mergeBase && mergeBase !== head) return { base: mergeBase };
  const tag = lastReleaseTag(REPO_ROOT);
  return tag ? { base: tag } : { none: 'no release tag (v*) yet, so every chart is still at its first version' };
}

const version = (chartYaml: string) => String((parse(chartYaml) as { version: unknown }).version);

describe('ct lint: chart version increments against main', () => {
  const found = baseCommit();
  if ('none' in found) {
    it(`nothing to compare: ${found.none}; only checks that every version is semver`, () => {
      for (const dir of chartDirs()) expect(isSemver(version(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8'))), dir).to.equal(true);
    });
    return;
  }
  for (const dir of chartDirs()) {
    const rel = path.relative(REPO_ROOT, dir);
    it(`${path.basename(dir)}: changed since ${found.base.slice(0, 8)} only with a higher version`, () => {
      const before = git(['show', `${found.base}:${rel}/Chart.yaml`]);
      if (before === undefined) return; // A new chart: no earlier version.
      const changed = git(['diff', '--quiet', found.base, '--', rel]) === undefined
        || (git(['ls-files', '--others', '--exclude-standard', '--', rel]) ?? '') !== '';
      const now = version(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8'));
      if (changed) expect(compareSemver(now, version(before)), `${rel} changed: bump ${version(before)} in generator/charts/catalog.ts`).to.be.above(0);
    });
  }
});
