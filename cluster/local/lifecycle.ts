import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterLayout, failedLogsDir, type ClusterLayout } from './layout.ts';
import { freeSlot, listClusterNames, readState, withClusterLock, writeState, type ClusterState } from './state.ts';
import { identify, isAlive } from './process-identity.ts';
import { teardownSync } from './teardown.ts';
import { clusterBinaries } from './tools.ts';
import type { NodeImages } from './bringup.ts';

/** Start, stop and list local clusters. The supervisor process (supervisor.ts) does the work; this is its client. */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SUPERVISOR = join(repoRoot, 'cluster', 'local', 'supervisor.ts');

export interface StartOptions {
  name: string;
  /** The cluster lives only as long as this process (a test run); without it the cluster stays until `cluster down`. */
  ownedBy?: number;
  log?: (line: string) => void;
  timeoutMs?: number;
  /** Which images the nodes load (see NodeImages); 'charts' by default. */
  nodeImages?: NodeImages;
}

export interface RunningCluster {
  layout: ClusterLayout;
  kubeconfig: string;
  contextName: string;
  /** True when this call found the cluster already running. */
  reused: boolean;
}

export function assertCanRunCluster(): void {
  if (process.platform !== 'linux') throw new Error('the local cluster needs Linux (network namespaces, cgroups, containerd)');
  if (process.getuid?.() !== 0) throw new Error('the local cluster needs root (it creates network namespaces, mounts and cgroups); run as root or use --kube-context with a cluster of yours');
  clusterBinaries();
}

/** A cluster whose supervisor is gone left things behind: remove them. */
export function removeDeadClusters(): string[] {
  const removed: string[] = [];
  for (const name of listClusterNames()) {
    const state = readState(name);
    if (state && isAlive(state.supervisor)) continue;
    teardownSync(clusterLayout(name, state?.slot ?? 0), state);
    removed.push(name);
  }
  return removed;
}

export async function startCluster(opts: StartOptions): Promise<RunningCluster> {
  assertCanRunCluster();
  const log = opts.log ?? (() => {});
  const claimed = await withClusterLock(async () => {
    for (const name of removeDeadClusters()) log(`removed what a stopped run of cluster ${name} left behind`);
    const existing = readState(opts.name);
    if (existing) return { layout: clusterLayout(opts.name, existing.slot), reused: true };
    const layout = clusterLayout(opts.name, freeSlot());
    mkdirSync(layout.dir, { recursive: true });
    const owner = opts.ownedBy ? identify(opts.ownedBy) : undefined;
    const out = openSync(join(layout.dir, 'supervisor.log'), 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', SUPERVISOR, ...(opts.nodeImages ? [`--images=${opts.nodeImages}`] : []), opts.name, String(layout.slot), ...(owner ? [String(owner.pid), owner.start] : [])], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    child.unref();
    const state: ClusterState = { name: opts.name, slot: layout.slot, phase: 'starting', supervisor: identify(child.pid!), ...(owner ? { owner } : {}), processes: {}, startedAt: new Date().toISOString() };
    writeState(layout, state);
    return { layout, reused: false };
  });
  const { layout } = claimed;
  await waitUntilReady(layout, log, opts.timeoutMs ?? 600_000);
  return { layout, kubeconfig: layout.kubeconfig, contextName: layout.contextName, reused: claimed.reused };
}

async function waitUntilReady(layout: ClusterLayout, log: (line: string) => void, timeoutMs: number): Promise<void> {
  const progress = join(layout.dir, 'progress.log');
  let shown = 0;
  const showProgress = () => {
    const file = existsSync(progress) ? progress : join(failedLogsDir(layout.name), 'progress.log');
    if (!existsSync(file)) return;
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    for (const line of lines.slice(shown)) log(line);
    shown = lines.length;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    showProgress();
    const state = readState(layout.name);
    if (state?.phase === 'ready') return;
    if (!state || state.phase === 'failed' || !isAlive(state.supervisor)) {
      await sleep(3500);
      showProgress();
      const why = state?.error ?? readTail(join(layout.dir, 'supervisor.log')) ?? 'its supervisor exited';
      throw new Error(`local cluster ${layout.name} failed to start: ${why}\n  logs: ${failedLogsDir(layout.name)}`);
    }
    if (Date.now() > deadline) {
      await stopCluster(layout.name);
      throw new Error(`local cluster ${layout.name} was not ready within ${Math.round(timeoutMs / 1000)} s; stopped it`);
    }
    await sleep(300);
  }
}

function readTail(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n') || undefined;
  } catch {
    return undefined;
  }
}

/** Stop a cluster and wait until everything it created is gone. */
export async function stopCluster(name: string): Promise<boolean> {
  const state = readState(name);
  if (!state) return false;
  const layout = clusterLayout(name, state.slot);
  if (isAlive(state.supervisor)) {
    process.kill(state.supervisor!.pid, 'SIGTERM');
    const deadline = Date.now() + 60_000;
    while (isAlive(state.supervisor) && Date.now() < deadline) await sleep(200);
    if (isAlive(state.supervisor)) process.kill(state.supervisor!.pid, 'SIGKILL');
  }
  teardownSync(layout, readState(name) ?? state);
  return true;
}

export interface ClusterSummary {
  name: string;
  phase: ClusterState['phase'] | 'dead';
  slot: number;
  kubeconfig: string;
  contextName: string;
  owner?: number;
  startedAt: string;
}

export function clusterStatus(): ClusterSummary[] {
  return listClusterNames().map((name) => {
    const state = readState(name)!;
    const layout = clusterLayout(name, state.slot);
    return {
      name,
      phase: isAlive(state.supervisor) ? state.phase : 'dead',
      slot: state.slot,
      kubeconfig: layout.kubeconfig,
      contextName: layout.contextName,
      ...(state.owner ? { owner: state.owner.pid } : {}),
      startedAt: state.startedAt,
    };
  });
}
