import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { components, umbrella } from '../charts/catalog.ts';
import { REPO_ROOT } from '../paths.ts';
import type { OutputFile } from './generate.ts';

/**
 * Every chart's version and the hash of the content released under it. A chart whose generated files
 * change needs a new version (edit it in generator/charts/catalog.ts); `generate` refuses otherwise and
 * records the new pair when the version was bumped. Changes are measured against the lock of the last
 * release tag, so a chart is bumped once per release, not once per edit. The lock lives
 * outside charts/ because it is history, not output.
 */
export const VERSION_LOCK = 'generator/charts/versions.lock.json';

export interface LockedVersion {
  version: string;
  contentSha256: string;
}
export type VersionLock = Record<string, LockedVersion>;

export class VersionBumpError extends Error {
  override name = 'VersionBumpError';
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export const isSemver = (v: string) => SEMVER.test(v);

/** Compares two semver versions by precedence (build metadata ignored): negative, 0 or positive. */
export function compareSemver(a: string, b: string): number {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) throw new Error(`not a semver version: ${pa ? b : a}`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  if (pa[4] === pb[4]) return 0;
  if (pa[4] === undefined) return 1;
  if (pb[4] === undefined) return -1;
  const xa = pa[4].split('.');
  const xb = pb[4].split('.');
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const [x, y] = [xa[i], xb[i]];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const [nx, ny] = [/^\d+$/.test(x), /^\d+$/.test(y)];
    if (nx && ny) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function nextPatch(v: string): string {
  const m = SEMVER.exec(v);
  return m ? `${m[1]}.${m[2]}.${Number(m[3]) + 1}` : v;
}

/** The versions the catalog declares, by chart name. */
export function catalogVersions(): Record<string, string> {
  return Object.fromEntries([...components, umbrella].map((c) => [c.name, c.version]));
}

/** sha256 over every generated file under charts/<chart>/ (paths and contents, in path order). */
export function contentHashes(files: OutputFile[], charts: string[]): Record<string, string> {
  return Object.fromEntries(charts.map((chart) => {
    const hash = createHash('sha256');
    for (const f of files.filter((f) => f.path.startsWith(`charts/${chart}/`)).sort((a, b) => a.path.localeCompare(b.path))) {
      hash.update(`${f.path}\0${f.content}\0`);
    }
    return [chart, hash.digest('hex')];
  }));
}

export interface VersionCheck {
  /** One line per chart that changed without a valid version bump. */
  problems: string[];
  /** The lock as it should be after this generate. */
  lock: VersionLock;
}

export function checkVersions(files: OutputFile[], locked: VersionLock, versions = catalogVersions()): VersionCheck {
  const hashes = contentHashes(files, Object.keys(versions));
  const problems: string[] = [];
  const lock: VersionLock = {};
  for (const [chart, version] of Object.entries(versions)) {
    const contentSha256 = hashes[chart]!;
    const before = locked[chart];
    lock[chart] = { version, contentSha256 };
    if (!isSemver(version)) {
      problems.push(`chart ${chart}: version "${version}" is not semver (MAJOR.MINOR.PATCH)`);
    } else if (before && before.contentSha256 !== contentSha256 && compareSemver(version, before.version) <= 0) {
      problems.push(`chart ${chart} changed but its version is still ${version}: bump it to ${nextPatch(before.version)} or higher in generator/charts/catalog.ts`);
      lock[chart] = before;
    }
  }
  return { problems, lock };
}

export function readVersionLock(root = REPO_ROOT): VersionLock {
  const file = path.join(root, VERSION_LOCK);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as VersionLock) : {};
}

/**
 * The last release: the newest tag `v<semver>` reachable from HEAD (the release workflow tags releases).
 * Chart versions only need to move past what was released; before the first release nothing is enforced.
 */
export function lastReleaseTag(root = REPO_ROOT): string | undefined {
  return git(root, ['describe', '--tags', '--abbrev=0', '--match', 'v[0-9]*'])?.trim() || undefined;
}

/**
 * What a change is measured against: the lock of the last release; none before the first release.
 * Outside a git checkout, the lock file itself.
 */
export function baselineVersionLock(root = REPO_ROOT): VersionLock {
  if (!git(root, ['rev-parse', '--is-inside-work-tree'])) return readVersionLock(root);
  const tag = lastReleaseTag(root);
  const text = tag ? git(root, ['show', `${tag}:${VERSION_LOCK}`]) : undefined;
  return text ? (JSON.parse(text) as VersionLock) : {};
}

function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

export const formatVersionLock = (lock: VersionLock) => `${JSON.stringify(lock, null, 2)}\n`;

/** Throws VersionBumpError naming each chart to bump; otherwise records the versions and hashes. */
export function enforceVersionBumps(files: OutputFile[], root = REPO_ROOT): void {
  const { problems, lock } = checkVersions(files, baselineVersionLock(root));
  if (problems.length) throw new VersionBumpError(`refusing to emit charts without a version bump:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const file = path.join(root, VERSION_LOCK);
  const text = formatVersionLock(lock);
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}
