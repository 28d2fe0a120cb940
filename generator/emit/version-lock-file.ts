import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../paths.ts';
import type { OutputFile } from './output.ts';
import { lastRelease } from './releases.ts';
import { VERSION_LOCK, VersionBumpError, checkVersions, formatVersionLock, versionBumpMessage, type VersionLock } from './versions.ts';

/** Reading and writing the versions lock (generator/charts/versions.lock.json); the checks are in versions.ts. */

export function readVersionLock(root = REPO_ROOT): VersionLock {
  const file = path.join(root, VERSION_LOCK);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as VersionLock) : {};
}

/**
 * What a change is measured against: the versions lock of the last release (releases/releases.json); without a
 * recorded release, the lock file itself.
 */
export function baselineVersionLock(root = REPO_ROOT): VersionLock {
  return lastRelease(root)?.versions ?? readVersionLock(root);
}

/** Throws VersionBumpError naming each chart to bump; otherwise records the versions and hashes. */
export function enforceVersionBumps(files: OutputFile[], root = REPO_ROOT): void {
  const { problems, lock } = checkVersions(files, baselineVersionLock(root));
  if (problems.length) throw new VersionBumpError(versionBumpMessage(problems));
  const file = path.join(root, VERSION_LOCK);
  const text = formatVersionLock(lock);
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}
