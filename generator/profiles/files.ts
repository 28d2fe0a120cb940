import fs from 'node:fs';
import path from 'node:path';
import { PROFILES_DIR } from '../paths.ts';

export interface ProfileFile {
  name: string;
  file: string;
}

export function listProfiles(dir = PROFILES_DIR): ProfileFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: f.replace(/\.yaml$/, ''), file: path.join(dir, f) }));
}

/** A profile given by name (`dev`) or by path (`values/dev.yaml`). */
export function resolveProfile(nameOrPath: string): string {
  if (nameOrPath.includes('/') || nameOrPath.endsWith('.yaml')) return path.resolve(nameOrPath);
  return path.join(PROFILES_DIR, `${nameOrPath}.yaml`);
}
