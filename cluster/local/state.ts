import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLUSTER_ROOT, clusterLayout, MAX_SLOTS, type ClusterLayout } from './layout.ts';

/** A process, identified beyond its pid: /proc/<pid>/stat's start time, so a recycled pid is never mistaken for it. */
export interface ProcessIdentity {
  pid: number;
  start: string;
}

export type ClusterPhase = 'starting' | 'ready' | 'failed' | 'stopping';

/** What a running cluster records on disk; enough for `down`, `status` and for cleaning up after a dead supervisor. */
export interface ClusterState {
  name: string;
  slot: number;
  phase: ClusterPhase;
  error?: string;
  /** The process that runs the cluster's components and removes everything when it stops. */
  supervisor?: ProcessIdentity;
  /** When set, the cluster lives only as long as this process (a test run). */
  owner?: ProcessIdentity;
  /** Every component's current process. */
  processes: Record<string, ProcessIdentity>;
  startedAt: string;
  readyAt?: string;
}

export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function identify(pid: number): ProcessIdentity {
  return { pid, start: processStart(pid) ?? '' };
}

export const isAlive = (p: ProcessIdentity | undefined): boolean => !!p && processStart(p.pid) === p.start;

export const statePath = (layout: ClusterLayout) => join(layout.dir, 'state.json');

export function readState(name: string): ClusterState | undefined {
  try {
    return JSON.parse(readFileSync(join(CLUSTER_ROOT, name, 'state.json'), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

export function writeState(layout: ClusterLayout, state: ClusterState): void {
  const file = statePath(layout);
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}

export function listClusterNames(): string[] {
  if (!existsSync(CLUSTER_ROOT)) return [];
  return readdirSync(CLUSTER_ROOT).filter((n) => !n.startsWith('.') && existsSync(join(CLUSTER_ROOT, n, 'state.json')));
}

const LOCK_DIR = join(CLUSTER_ROOT, '.lock');

/** A cross-process lock (mkdir is atomic); a lock whose holder died is broken. Held for milliseconds. */
export async function withClusterLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(CLUSTER_ROOT, { recursive: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'holder.json'), JSON.stringify(identify(process.pid)));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder: ProcessIdentity | undefined;
      try {
        holder = JSON.parse(readFileSync(join(LOCK_DIR, 'holder.json'), 'utf8')) as ProcessIdentity;
      } catch {}
      if (holder && !isAlive(holder)) rmSync(LOCK_DIR, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`the local cluster lock ${LOCK_DIR} is held by pid ${holder?.pid ?? '?'}`);
      else await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/** A slot no live cluster uses and no leftover link occupies. Call under the lock, after removing dead clusters. */
export function freeSlot(): number {
  const used = new Set(listClusterNames().map((n) => readState(n)?.slot));
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    if (used.has(slot)) continue;
    if (existsSync(`/sys/class/net/${clusterLayout('x', slot).bridge}`)) continue;
    return slot;
  }
  throw new Error(`all ${MAX_SLOTS} local cluster slots are in use: \`redis-charts cluster status\` lists them, \`redis-charts cluster down <name>\` frees one`);
}
