/**
 * One temporary folder per test run: every suite's mkdtemp (and every tool the suites start) writes under it, because
 * TMPDIR points at it, and it is removed when the run ends. A run that died before its end leaves its folder; the next
 * run removes every such folder whose process is gone.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'redis-charts-test-run-';
const OWNER = 'owner.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function removeDeadRuns(base: string): void {
  for (const name of readdirSync(base)) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(base, name);
    const owner = join(dir, OWNER);
    const pid = existsSync(owner) ? Number(readFileSync(owner, 'utf8')) : NaN;
    if (!Number.isInteger(pid) || !alive(pid)) rmSync(dir, { recursive: true, force: true });
  }
}

/** Point TMPDIR at a fresh folder for this process; returns the function that removes it. */
export function useRunTempDir(): () => void {
  const base = tmpdir();
  removeDeadRuns(base);
  const dir = mkdtempSync(join(base, PREFIX));
  writeFileSync(join(dir, OWNER), String(process.pid));
  process.env.TMPDIR = dir;
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.env.TMPDIR = base;
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', remove);
  return remove;
}
