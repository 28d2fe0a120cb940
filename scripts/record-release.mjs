#!/usr/bin/env node
// Records a release in releases/: packages the umbrella chart as it was at a git ref and adds its entry (version,
// commit, package sha256, versions lock) to releases/releases.json. A recorded version is never replaced.
//   npm run release:record -- [<git ref>]        (default HEAD; tag the same commit v<version>)
// Run with `node --import tsx` (the npm script does).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { RELEASES_DIR, RELEASES_FILE, formatReleases, readReleases, sha256File } from '../generator/emit/releases.ts';
import { VERSION_LOCK } from '../generator/emit/versions.ts';
import { REPO_ROOT } from '../generator/paths.ts';
import { helmBinary } from '../toolchain/tools.ts';

const ref = process.argv[2] ?? 'HEAD';
const git = (args, input) => execFileSync('git', ['-C', REPO_ROOT, ...args], { input, maxBuffer: 64 * 1024 * 1024 });
const commit = git(['rev-parse', '--verify', `${ref}^{commit}`]).toString().trim();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-release-'));
try {
  execFileSync('tar', ['-x', '-C', work], { input: git(['archive', '--format=tar', commit, 'charts']) });
  const chartDir = path.join(work, 'charts', 'redis');
  const { version } = parse(fs.readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8'));
  const releases = readReleases();
  if (releases.some((r) => r.version === version)) throw new Error(`release ${version} is already recorded in ${RELEASES_FILE}: a release is never replaced; bump the versions in generator/charts/<chart>/chart.ts`);
  const out = path.join(REPO_ROOT, RELEASES_DIR);
  fs.mkdirSync(out, { recursive: true });
  execFileSync(helmBinary(3), ['package', chartDir, '--destination', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  const pkg = `redis-${version}.tgz`;
  const versions = JSON.parse(git(['show', `${commit}:${VERSION_LOCK}`]).toString());
  releases.push({ version, commit, package: pkg, sha256: sha256File(path.join(out, pkg)), versions });
  fs.writeFileSync(path.join(REPO_ROOT, RELEASES_FILE), formatReleases(releases));
  console.log(`recorded release ${version} (${commit.slice(0, 12)}) as ${RELEASES_DIR}/${pkg}; tag it: git tag -a v${version} ${commit.slice(0, 12)}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
