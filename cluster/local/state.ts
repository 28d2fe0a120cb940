import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withDirLock } from './dir-lock.ts';
import type { ProcessIdentity } from './process-identity.ts';
import { CLUSTER_ROOT, clusterLayout, MAX_SLOTS, type ClusterLayout } from './layout.ts';

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

/** The lock under which clusters claim slots and remove what dead ones left: held for milliseconds. */
export async function withClusterLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(CLUSTER_ROOT, { recursive: true });
  return withDirLock(join(CLUSTER_ROOT, '.lock'), 60_000, fn);
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
