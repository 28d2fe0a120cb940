import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecked } from '../../toolchain/run.ts';
import { clusterLayout, type NodeLayout } from './layout.ts';
import { readState } from './state.ts';
import { isAlive } from './process-identity.ts';

/**
 * A node failure by real mechanisms, as when a machine hangs and drops off the network: every container on the node
 * is frozen (the cgroup v1 freezer of the node's cgroup parent), its kubelet, container runtime, shims, kube-proxy and
 * policy enforcer are stopped (SIGSTOP), and its link to the cluster goes down. Kubernetes then sees what it sees on
 * a real failure: the node stops reporting and turns NotReady, and its pods stay bound to it (a StatefulSet does not
 * replace them) until the node returns or they are force-deleted. `restoreNode` undoes each step, in reverse.
 */

function nodeOf(clusterName: string, nodeName: string): { node: NodeLayout; pids: number[] } {
  const state = readState(clusterName);
  if (!state || !isAlive(state.supervisor)) throw new Error(`no running local cluster ${clusterName}`);
  const node = clusterLayout(clusterName, state.slot).nodes.find((n) => n.name === nodeName);
  if (!node) throw new Error(`local cluster ${clusterName} has no node ${nodeName}`);
  const pids = Object.entries(state.processes).filter(([id]) => id.startsWith(`${nodeName}/`)).map(([, p]) => p.pid);
  return { node, pids: [...pids, ...shimsOf(node)] };
}

/** containerd shims of this node: their command line names the node's containerd socket. */
function shimsOf(node: NodeLayout): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes('containerd-shim') && cmdline.includes(node.containerdSocket)) found.push(Number(entry));
    } catch {}
  }
  return found;
}

const freezerState = (node: NodeLayout) => join('/sys/fs/cgroup/freezer', node.cgroupRoot, 'freezer.state');

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {}
  }
}

export async function failNode(clusterName: string, nodeName: string): Promise<void> {
  const { node, pids } = nodeOf(clusterName, nodeName);
  if (!existsSync(freezerState(node))) throw new Error(`no freezer cgroup for ${nodeName} (${freezerState(node)}): this machine lacks the cgroup v1 freezer`);
  await runChecked('ip', ['link', 'set', node.hostVeth, 'down']);
  signal(pids, 'SIGSTOP');
  writeFileSync(freezerState(node), 'FROZEN');
}

export async function restoreNode(clusterName: string, nodeName: string): Promise<void> {
  const { node, pids } = nodeOf(clusterName, nodeName);
  writeFileSync(freezerState(node), 'THAWED');
  signal(pids, 'SIGCONT');
  await runChecked('ip', ['link', 'set', node.hostVeth, 'up']);
}

/**
 * A crash by the container runtime: SIGKILL to the container's task on its node's containerd, as an OOM kill or a
 * segfault ends it. The kubelet sees the exit and restarts the container in place: same pod, same address, same
 * volume.
 */
export async function killContainer(clusterName: string, nodeName: string, containerId: string): Promise<void> {
  const { node } = nodeOf(clusterName, nodeName);
  await runChecked('ctr', ['--address', node.containerdSocket, '--namespace', 'k8s.io', 'task', 'kill', '--signal', 'SIGKILL', containerId]);
}

/**
 * A partition of one pod by iptables on its node: every packet to or from its address is dropped, established
 * connections included, as when a cable is cut (a NetworkPolicy enforcer keeps established connections).
 */
export async function cutPodAddress(clusterName: string, nodeName: string, ip: string): Promise<void> {
  await podAddressRules(clusterName, nodeName, ip, '-I');
}

export async function healPodAddress(clusterName: string, nodeName: string, ip: string): Promise<void> {
  await podAddressRules(clusterName, nodeName, ip, '-D');
}

async function podAddressRules(clusterName: string, nodeName: string, ip: string, action: '-I' | '-D'): Promise<void> {
  const { node } = nodeOf(clusterName, nodeName);
  for (const match of ['-s', '-d']) {
    await runChecked('ip', ['netns', 'exec', node.netns, 'iptables', '-w', action, 'FORWARD', ...(action === '-I' ? ['1'] : []),
      match, ip, '-m', 'comment', '--comment', 'redis-charts partition', '-j', 'DROP']);
  }
}
