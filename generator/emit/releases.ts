import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../paths.ts';
import { compareSemver } from './semver.ts';
import type { VersionLock } from './versions.ts';

/**
 * What was released, kept in the tree so a clone without tags or history still knows it: the umbrella chart as
 * packaged (`redis-<version>.tgz`, what `helm upgrade` from the last release installs) and the versions lock of that
 * release (what chart version bumps are measured against). `npm run release:record -- <git ref>` adds an entry.
 */
export const RELEASES_DIR = 'releases';
export const RELEASES_FILE = `${RELEASES_DIR}/releases.json`;

export interface ReleaseRecord {
  /** The umbrella chart's version. */
  version: string;
  /** The commit the release was cut from. */
  commit: string;
  /** The packaged umbrella chart, relative to releases/. */
  package: string;
  /** sha256 of the package, checked before it is used. */
  sha256: string;
  /** generator/charts/versions.lock.json as released. */
  versions: VersionLock;
}

export function readReleases(root = REPO_ROOT): ReleaseRecord[] {
  const file = path.join(root, RELEASES_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { releases: ReleaseRecord[] }).releases : [];
}

export const formatReleases = (releases: ReleaseRecord[]) =>
  `${JSON.stringify({ releases: [...releases].sort((a, b) => compareSemver(a.version, b.version)) }, null, 2)}\n`;

/** The newest release by semver; undefined before the first. */
export function lastRelease(root = REPO_ROOT): ReleaseRecord | undefined {
  return readReleases(root).sort((a, b) => compareSemver(b.version, a.version))[0];
}

export const sha256File = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** The release's package path, after checking it is the one recorded. */
export function releasedPackage(release: ReleaseRecord, root = REPO_ROOT): string {
  const file = path.join(root, RELEASES_DIR, release.package);
  if (!fs.existsSync(file)) throw new Error(`${RELEASES_DIR}/${release.package} is missing: ${RELEASES_FILE} records it for release ${release.version}`);
  const actual = sha256File(file);
  if (actual !== release.sha256) throw new Error(`${RELEASES_DIR}/${release.package}: sha256 ${actual}, but ${RELEASES_FILE} records ${release.sha256}: restore the file from git`);
  return file;
}
