import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { lastRelease } from '../../generator/emit/releases.ts';
import { compareSemver, isSemver } from '../../generator/emit/semver.ts';
import { REPO_ROOT } from '../../generator/paths.ts';
import { renderCharts } from '../../generator/emit/generate.ts';
import { contentHashes } from '../../generator/emit/versions.ts';
import { chartDirs } from './chart-dirs.ts';

// ct's check-version-increment: a chart that differs from main needs a higher version than main has.
function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', REPO_ROOT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Where this branch left main (a pull request, as ct does); undefined on main itself or outside git. */
function branchBase(): string | undefined {
  const main = git(['rev-parse', '--verify', '--quiet', 'main^{commit}']) ?? git(['rev-parse', '--verify', '--quiet', 'origin/main^{commit}']);
  const head = git(['rev-parse', 'HEAD']);
  const mergeBase = main ? git(['merge-base', 'HEAD', main]) : undefined;
  return mergeBase && mergeBase !== head ? mergeBase : undefined;
}

const version = (chartYaml: string) => String((parse(chartYaml) as { version: unknown }).version);

describe('ct lint: chart version increments against main', () => {
  it('every chart version is semver', () => {
    for (const dir of chartDirs()) expect(isSemver(version(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8'))), dir).to.equal(true);
  });
  const base = branchBase();
  if (!base) {
    // On main: measured against the last release by content, which needs neither tags nor history.
    const release = lastRelease();
    if (!release) throw new Error('releases/releases.json records no release: record one with npm run release:record -- <git ref>');
    let hashes: Record<string, string> | undefined;
    const hashNow = (chart: string) => (hashes ??= contentHashes(renderCharts(), Object.keys(release.versions)))[chart];
    for (const [chart, { contentSha256, version: before }] of Object.entries(release.versions)) {
      it(`${chart}: changed since release ${release.version} only with a higher version`, () => {
        const dir = chartDirs().find((d) => path.basename(d) === chart);
        expect(dir, `chart ${chart} of release ${release.version}`).to.not.equal(undefined);
        const now = version(fs.readFileSync(path.join(dir!, 'Chart.yaml'), 'utf8'));
        const changed = hashNow(chart) !== contentSha256;
        if (changed) expect(compareSemver(now, before), `${chart} changed: bump ${before} in generator/charts/${chart}/chart.ts`).to.be.above(0);
      });
    }
    return;
  }
  for (const dir of chartDirs()) {
    const rel = path.relative(REPO_ROOT, dir);
    it(`${path.basename(dir)}: changed since ${base.slice(0, 8)} only with a higher version`, () => {
      const before = git(['show', `${base}:${rel}/Chart.yaml`]);
      if (before === undefined) return; // A new chart: no earlier version.
      const changed = git(['diff', '--quiet', base, '--', rel]) === undefined
        || (git(['ls-files', '--others', '--exclude-standard', '--', rel]) ?? '') !== '';
      const now = version(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8'));
      if (changed) expect(compareSemver(now, version(before)), `${rel} changed: bump ${version(before)} in generator/charts/${path.basename(dir)}/chart.ts`).to.be.above(0);
    });
  }
});
