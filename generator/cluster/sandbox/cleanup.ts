import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { processStart } from '../../../cluster/local/state.ts';
import { run, runSyncQuiet } from './run.ts';

export { processStart };

/** Everything the sandbox creates is named with these, so a later run can find and remove what a crashed run left. */
export const STATE_ROOT = '/run/redis-charts-sandbox';
export const NETNS_PREFIX = 'rcs-';
export const bridgeName = (index: number) => `rcsbr${index}`;
export const netnsPrefix = (index: number, ownerPid: number) => `${NETNS_PREFIX}${index}-${ownerPid}-`;

export interface Owner {
  pid: number;
  /** /proc/<pid>/stat starttime, so a recycled PID is not mistaken for the owner. */
  start: string;
}


export function currentOwner(): Owner {
  return { pid: process.pid, start: processStart(process.pid) ?? '' };
}

export function ownerAlive(o: Owner): boolean {
  return processStart(o.pid) === o.start;
}

export function listNetns(): string[] {
  return runSyncQuiet('ip', ['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean);
}

/** SIGKILL every process inside a network namespace, then delete it. */
export function deleteNetnsSync(ns: string): void {
  for (let i = 0; i < 5; i++) {
    const pids = runSyncQuiet('ip', ['netns', 'pids', ns]).split('\n').filter(Boolean).map(Number);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  }
  runSyncQuiet('ip', ['netns', 'del', ns]);
}

/** The asynchronous twin of deleteNetnsSync, for pod deletion while other pods keep running. */
export async function deleteNetns(ns: string): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const pids = (await run('ip', ['netns', 'pids', ns])).stdout.split('\n').filter(Boolean).map(Number);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  }
  await run('ip', ['netns', 'del', ns]);
}

export function killGroupSync(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {}
}

/** Remove an instance's namespaces, bridge and state directory; used for dead owners and at our own exit. */
export function purgeInstanceSync(index: number, owner: Owner | undefined, dir: string | undefined): void {
  const prefix = owner ? netnsPrefix(index, owner.pid) : `${NETNS_PREFIX}${index}-`;
  for (const ns of listNetns()) if (ns.startsWith(prefix)) deleteNetnsSync(ns);
  runSyncQuiet('ip', ['link', 'del', bridgeName(index)]);
  if (dir) rmSync(dir, { recursive: true, force: true });
}

function readOwner(dir: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

/**
 * Clean what crashed runs left. Only instances whose owner process is dead are touched; namespaces that carry a
 * dead owner's PID are removed even when their instance directory is already gone. Call with the state lock held.
 */
export function cleanStaleSync(): void {
  let entries: string[] = [];
  try {
    entries = readdirSync(STATE_ROOT);
  } catch {}
  const liveIndexes = new Set<number>();
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const dir = join(STATE_ROOT, name);
    const owner = readOwner(dir);
    if (owner && ownerAlive(owner)) {
      liveIndexes.add(Number(name));
      continue;
    }
    purgeInstanceSync(Number(name), owner, dir);
  }
  for (const ns of listNetns()) {
    const m = /^rcs-(\d+)-(\d+)-/.exec(ns);
    if (!m) continue;
    const pid = Number(m[2]);
    if (processStart(pid) === undefined || !liveIndexes.has(Number(m[1]))) deleteNetnsSync(ns);
  }
  for (const line of runSyncQuiet('ip', ['-o', 'link', 'show', 'type', 'bridge']).split('\n')) {
    const m = /^\d+: rcsbr(\d+)[:@]/.exec(line);
    if (m && !liveIndexes.has(Number(m[1]))) runSyncQuiet('ip', ['link', 'del', `rcsbr${m[1]}`]);
  }
}

/** Synchronous teardown of live instances when the test process exits or is interrupted. */
const exitPurges = new Set<() => void>();
let hooksInstalled = false;

export function onProcessExit(purge: () => void): () => void {
  exitPurges.add(purge);
  if (!hooksInstalled) {
    hooksInstalled = true;
    process.on('exit', runExitPurges);
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(sig, () => {
        runExitPurges();
        // Only decide the exit ourselves if nobody else (e.g. mocha) handles the signal.
        if (process.listenerCount(sig) === 1) process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
      });
    }
  }
  return () => exitPurges.delete(purge);
}

function runExitPurges(): void {
  for (const p of [...exitPurges]) {
    exitPurges.delete(p);
    try {
      p();
    } catch {}
  }
}
