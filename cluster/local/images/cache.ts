// The stamp of a built image: the key of everything it was built from, and what it produced.
import fs from 'node:fs/promises';
import path from 'node:path';
import { sha256File, sha256Hex } from './hash.ts';
import { MODULE_DIR } from './specs.ts';

export interface Stamp {
  key: string;
  reference: string;
  digest: string;
}

/** sha256 of files, each hashed once per build run even when several images share it (libc). */
export class FileHasher {
  private readonly memo = new Map<string, Promise<string>>();
  hash(file: string): Promise<string> {
    let h = this.memo.get(file);
    if (!h) {
      h = sha256File(file);
      this.memo.set(file, h);
    }
    return h;
  }
}

/** The builder's own sources: a change in how images are made rebuilds them all. */
export async function builderHash(hasher: FileHasher): Promise<string> {
  const entries = await fs.readdir(MODULE_DIR, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && /\.(ts|c|sh)$/.test(e.name))
    .map((e) => path.relative(MODULE_DIR, path.join(e.parentPath, e.name)))
    .sort();
  const hashes = await Promise.all(files.map(async (f) => `${f} ${await hasher.hash(path.join(MODULE_DIR, f))}`));
  return sha256Hex(hashes.join('\n'));
}

export function cacheKey(parts: unknown): string {
  return sha256Hex(JSON.stringify(parts));
}

export async function readStamp(file: string): Promise<Stamp | null> {
  try {
    const s = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<Stamp>;
    return typeof s.key === 'string' && typeof s.digest === 'string' && typeof s.reference === 'string'
      ? (s as Stamp)
      : null;
  } catch {
    return null;
  }
}

export async function writeStamp(file: string, stamp: Stamp): Promise<void> {
  await fs.writeFile(`${file}.tmp`, `${JSON.stringify(stamp, null, 2)}\n`);
  await fs.rename(`${file}.tmp`, file);
}
