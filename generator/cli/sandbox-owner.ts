import fs from 'node:fs';
import path from 'node:path';

/** `up` records which process holds a sandbox release, so `down` (another process) can stop it. */
export const UP_DIR = '/run/redis-charts/up';

const file = (namespace: string, release: string) => path.join(UP_DIR, `${namespace}.${release}.pid`);

export function recordOwner(namespace: string, release: string): () => void {
  fs.mkdirSync(UP_DIR, { recursive: true });
  const f = file(namespace, release);
  fs.writeFileSync(f, String(process.pid));
  return () => fs.rmSync(f, { force: true });
}

/** The pid of a live `up` process that holds the release, if any (stale records are removed). */
export function findOwner(namespace: string, release: string): number | undefined {
  const f = file(namespace, release);
  if (!fs.existsSync(f)) return undefined;
  const pid = Number(fs.readFileSync(f, 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    fs.rmSync(f, { force: true });
    return undefined;
  }
}

export function listOwned(): { namespace: string; release: string }[] {
  if (!fs.existsSync(UP_DIR)) return [];
  return fs.readdirSync(UP_DIR).flatMap((f) => {
    const m = /^(.+?)\.(.+)\.pid$/.exec(f);
    return m && findOwner(m[1]!, m[2]!) ? [{ namespace: m[1]!, release: m[2]! }] : [];
  });
}
