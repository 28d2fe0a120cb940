// An npm package and its dependency closure, taken from this repository's node_modules at the versions
// package-lock.json records: what `npm ci` installed, checked file by file against the lock before it is copied.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ImageBuildError } from './exec.ts';

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export interface NpmFile {
  /** Relative to the image's node_modules directory, e.g. "ioredis/built/index.js". */
  relative: string;
  from: string;
  /** "npm <name>@<version>", for the image's file listing. */
  origin: string;
}

/** Where Node would find `dep` required from the package at lock key `from` (nested first, then up). */
function resolveKey(packages: Record<string, LockEntry>, from: string, dep: string): string | undefined {
  let base = from;
  for (;;) {
    const key = `${base}/node_modules/${dep}`;
    if (packages[key]) return key;
    const up = base.lastIndexOf('/node_modules/');
    if (up < 0) break;
    base = base.slice(0, up);
  }
  return packages[`node_modules/${dep}`] ? `node_modules/${dep}` : undefined;
}

async function packageFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    // Nested node_modules are dependencies of their own, resolved through the lock.
    .filter((f) => !path.relative(dir, f).split(path.sep).includes('node_modules'))
    .sort();
}

export async function npmPackageFiles(repoRoot: string, name: string, version: string): Promise<NpmFile[]> {
  const lock = JSON.parse(await fs.readFile(path.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages?: Record<string, LockEntry> };
  const packages = lock.packages ?? {};
  const rootKey = `node_modules/${name}`;
  if (packages[rootKey]?.version !== version) {
    throw new ImageBuildError(`package-lock.json has ${name} ${packages[rootKey]?.version ?? '(none)'}, but ${version} is pinned (cluster/local/images/specs.ts)`);
  }
  const keys = new Set<string>();
  const visit = (key: string) => {
    if (keys.has(key)) return;
    keys.add(key);
    const entry = packages[key]!;
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const found = resolveKey(packages, key, dep);
      if (found) visit(found);
      else if (!entry.optionalDependencies?.[dep]) throw new ImageBuildError(`package-lock.json: ${key} needs ${dep}, which the lock does not have`);
    }
  };
  visit(rootKey);

  const files: NpmFile[] = [];
  for (const key of [...keys].sort()) {
    const dir = path.join(repoRoot, key);
    const want = packages[key]!.version;
    const manifest = await fs.readFile(path.join(dir, 'package.json'), 'utf8').catch(() => {
      throw new ImageBuildError(`${key} is not installed: run npm ci`);
    });
    const have = (JSON.parse(manifest) as { version?: string }).version;
    const pkgName = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (have !== want) throw new ImageBuildError(`${key} is ${have}, but package-lock.json has ${want}: run npm ci`);
    for (const file of await packageFiles(dir)) {
      files.push({ relative: path.posix.join(key.slice('node_modules/'.length), path.relative(dir, file)), from: file, origin: `npm ${pkgName}@${want}` });
    }
  }
  return files;
}
