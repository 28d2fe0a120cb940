import { createHash } from 'node:crypto';
import { components, umbrella } from '../charts/catalog.ts';
import type { OutputFile } from './output.ts';
import { compareSemver, isSemver, nextPatch } from './semver.ts';

/**
 * Every chart's version and the hash of the content released under it. A chart whose generated files change needs
 * a new version (edit it in generator/charts/<chart>/chart.ts); `generate` refuses otherwise and records the new
 * pair when the version was bumped. Changes are measured against the lock of the last release
 * (releases/releases.json), so a chart is bumped once per release, not once per edit. The lock lives outside
 * charts/ because it is history, not output. This module only computes; version-lock-file.ts reads and writes it.
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

/** The message VersionBumpError carries for the problems checkVersions found. */
export const versionBumpMessage = (problems: string[]) => `refusing to emit charts without a version bump:\n${problems.map((p) => `  ${p}`).join('\n')}`;

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
      problems.push(`chart ${chart} changed but its version is still ${version}: bump it to ${nextPatch(before.version)} or higher in generator/charts/${chart}/chart.ts`);
      lock[chart] = before;
    }
  }
  return { problems, lock };
}

export const formatVersionLock = (lock: VersionLock) => `${JSON.stringify(lock, null, 2)}\n`;
