// What the host's Debian package database says: installed versions, and which package owns a file.
import fs from 'node:fs/promises';
import { ImageBuildError, run } from './exec.ts';

/** Installed version of each package; throws naming the apt-get command for a missing one. */
export async function installedVersions(packages: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(packages)];
  const versions = new Map<string, string>();
  if (unique.length === 0) return versions;
  const r = await run('dpkg-query', ['-W', '-f=${Package}\\t${Version}\\t${db:Status-Abbrev}\\n', ...unique]);
  for (const line of r.stdout.split('\n')) {
    const [name, version, status] = line.split('\t');
    // "ii " is installed; "un"/"rc" rows are packages dpkg only remembers.
    if (name && version && status?.startsWith('ii')) versions.set(name, version);
  }
  const missing = unique.filter((p) => !versions.has(p));
  if (missing.length > 0) {
    throw new ImageBuildError(`Debian package not installed: ${missing.join(', ')}: apt-get install -y ${missing.join(' ')}`);
  }
  return versions;
}

/** "5:7.0.15-1~deb12u10" -> "7.0.15", "1.60.1+dfsg-2+b5" -> "1.60.1": the part that is a valid image tag. */
export function upstreamVersion(debianVersion: string): string {
  const withoutEpoch = debianVersion.replace(/^\d+:/, '');
  const match = /^\d+(?:\.\d+)*/.exec(withoutEpoch);
  if (!match) throw new ImageBuildError(`cannot read an upstream version from Debian version "${debianVersion}"`);
  return match[0];
}

// With merged /usr, a file that ldd names under /lib may be registered under /usr/lib (or the other way round),
// and a library path may be a symlink that the package registers under its target's name.
async function candidates(file: string): Promise<string[]> {
  const real = await fs.realpath(file).catch(() => file);
  const toggled = (p: string) => (p.startsWith('/usr/') ? p.slice(4) : `/usr${p}`);
  return [...new Set([file, real, toggled(file), toggled(real)])];
}

/** The package owning each file (null for files no package owns, like the generated CA bundle). */
export async function owningPackages(files: readonly string[]): Promise<Map<string, string | null>> {
  const tried = new Map<string, string[]>();
  for (const f of new Set(files)) tried.set(f, await candidates(f));
  const all = [...new Set([...tried.values()].flat())];
  // One dpkg -S for all of them: it prints the ones it knows and exits 1 if any is unknown.
  const r = all.length > 0 ? await run('dpkg', ['-S', ...all]) : { stdout: '' };
  const owner = new Map<string, string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(.+?): (\/.*)$/.exec(line);
    if (m?.[1] && m[2] && !m[1].startsWith('diversion by')) owner.set(m[2], m[1]);
  }
  const result = new Map<string, string | null>();
  for (const [file, paths] of tried) {
    result.set(file, paths.map((p) => owner.get(p)).find((p) => p !== undefined) ?? null);
  }
  return result;
}
