import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runQuietSync } from '../../toolchain/run.ts';
import { type ClusterLayout } from './layout.ts';
import { netnsPids, removeBlackholesSync, removeNetworkSync } from './network.ts';
import { type ClusterState } from './state.ts';
import { isAlive } from './process-identity.ts';

/**
 * Remove everything a cluster created, in an order that leaves nothing behind: processes (components, containers,
 * shims), mounts, network namespaces and links, cgroups, the blackhole routes, the directory. Synchronous, so an exit
 * handler can run it; every step tolerates what is already gone, so it also serves a half-started or long-dead cluster.
 */
export function teardownSync(layout: ClusterLayout, state: ClusterState | undefined): void {
  killAll(layout, state);
  unmountUnder(layout.dir);
  removeNetworkSync(layout);
  removeCgroups(layout);
  removeBlackholesSync(layout);
  rmSync(layout.dir, { recursive: true, force: true });
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}

function killAll(layout: ClusterLayout, state: ClusterState | undefined): void {
  // A frozen process (a failed node, see faults.ts) cannot die until it is thawed.
  for (const node of layout.nodes) {
    try {
      writeFileSync(join('/sys/fs/cgroup/freezer', node.cgroupRoot, 'freezer.state'), 'THAWED');
    } catch {}
  }
  // Until every one is gone (a process in uninterruptible IO dies only when the IO ends), at most 10 s.
  for (let round = 0; round < 50; round++) {
    const pids = new Set<number>();
    for (const p of Object.values(state?.processes ?? {})) if (isAlive(p)) pids.add(p.pid);
    for (const node of layout.nodes) for (const pid of netnsPids(node.netns)) pids.add(pid);
    for (const pid of cgroupProcs(layout)) pids.add(pid);
    // Shims run in the node's namespace; they are found by their containerd address too, in case the namespace is gone.
    for (const pid of processesMentioning(layout.dir)) pids.add(pid);
    pids.delete(process.pid);
    if (pids.size === 0) return;
    for (const pid of pids) kill(pid);
    runQuietSync('sleep', ['0.2']);
  }
}

/** Processes whose command line names a path inside the cluster's directory (containerd shims, components). */
function processesMentioning(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(`${dir}/`)) found.push(Number(entry));
    } catch {}
  }
  return found;
}

const CGROUP_FS = '/sys/fs/cgroup';

/** Each cgroup v1 hierarchy (and the unified one) the machine mounts. */
function cgroupHierarchies(): string[] {
  if (!existsSync(CGROUP_FS)) return [];
  return readdirSync(CGROUP_FS)
    .map((h) => join(CGROUP_FS, h))
    .filter((h) => existsSync(join(h, 'cgroup.procs')));
}

export function clusterCgroupDirs(layout: ClusterLayout): string[] {
  return cgroupHierarchies().map((h) => join(h, 'redis-charts-cluster', layout.name));
}

function walk(dir: string, visit: (d: string) => void): void {
  let entries: string[] = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return;
  }
  for (const e of entries) walk(join(dir, e), visit);
  visit(dir);
}

function cgroupProcs(layout: ClusterLayout): number[] {
  const pids: number[] = [];
  for (const root of clusterCgroupDirs(layout)) {
    walk(root, (d) => {
      try {
        pids.push(...readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number));
      } catch {}
    });
  }
  return pids;
}

function removeCgroups(layout: ClusterLayout): void {
  for (const root of clusterCgroupDirs(layout)) {
    walk(root, (d) => {
      try {
        rmdirSync(d);
      } catch {}
    });
    try {
      rmdirSync(join(root, '..')); // the parent all local clusters share, once the last one is gone
    } catch {}
  }
}

/** Unmount every mount point under dir, deepest first (kubelet volumes, container root filesystems, pod namespaces). */
export function unmountUnder(dir: string): void {
  for (let round = 0; round < 3; round++) {
    const points = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4])
      .filter((p): p is string => !!p && (p === dir || p.startsWith(`${dir}/`)))
      .map((p) => p.replace(/\\040/g, ' '))
      .sort((a, b) => b.length - a.length);
    if (points.length === 0) return;
    for (const p of points) runQuietSync('umount', ['-l', p]);
  }
}
