import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../paths.ts';
import type { OutputFile } from './output.ts';

/** Files under charts/ that differ from, are missing from, or are not part of the generated output. */
export function staleFiles(files: OutputFile[], root = REPO_ROOT): string[] {
  const expected = new Set(files.map((f) => f.path));
  const stale: string[] = [];
  for (const f of files) {
    const target = path.join(root, f.path);
    if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== f.content) stale.push(f.path);
  }
  for (const existing of listTree(path.join(root, 'charts'), root)) {
    if (!expected.has(existing)) stale.push(existing);
  }
  return stale.sort();
}

function listTree(dir: string, root: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink() || entry.isFile()) out.push(path.relative(root, full));
    else if (entry.isDirectory()) out.push(...listTree(full, root));
  }
  return out;
}
