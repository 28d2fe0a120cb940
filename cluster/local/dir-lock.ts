import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { identify, isAlive, type ProcessIdentity } from './process-identity.ts';

/**
 * Runs `fn` holding a cross-process lock: the directory `lockDir` (mkdir is atomic) with its holder's identity in it.
 * A lock whose holder died is broken; a live holder is waited for up to `waitMs`, then this fails naming it.
 */
export async function withDirLock<T>(lockDir: string, waitMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'holder.json'), JSON.stringify(identify(process.pid)));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: ProcessIdentity | undefined;
      try {
        holder = JSON.parse(readFileSync(join(lockDir, 'holder.json'), 'utf8')) as ProcessIdentity;
      } catch {}
      if (holder && !isAlive(holder)) rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`the lock ${lockDir} is held by pid ${holder?.pid ?? '?'} (waited ${Math.round(waitMs / 1000)} s)`);
      else await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
