import { join } from 'node:path';

/**
 * Where one local cluster lives: its addresses, network names and directories, all derived from its slot so that
 * several clusters (two test runs, a `cluster up` beside them) never share an address, a link or a directory.
 */
export const KUBERNETES_VERSION = 'v1.34.4';
export const CLUSTER_ROOT = '/var/lib/redis-charts-cluster';
export const MAX_SLOTS = 8;
export const CLUSTER_DOMAIN = 'cluster.local';

export type NodeRole = 'control-plane' | 'worker';

export interface NodeLayout {
  readonly name: string;
  readonly role: NodeRole;
  /** Index in the cluster: 0 is the control plane. */
  readonly index: number;
  readonly ip: string;
  /** The node's pod range, a /24 of the cluster's pod range. */
  readonly podCidr: string;
  readonly podGateway: string;
  readonly netns: string;
  /** The host side of the node's veth, on the cluster bridge. */
  readonly hostVeth: string;
  readonly dir: string;
  readonly containerdSocket: string;
  /** cgroup parent of everything the node's kubelet runs (cgroup v1: created in each hierarchy). */
  readonly cgroupRoot: string;
}

export interface ClusterLayout {
  readonly name: string;
  readonly slot: number;
  readonly dir: string;
  readonly bridge: string;
  /** The host's address on the cluster bridge. */
  readonly hostIp: string;
  readonly nodeCidr: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
  readonly apiServerIp: string;
  readonly dnsServiceIp: string;
  readonly apiServer: string;
  readonly nodes: readonly NodeLayout[];
  readonly kubeconfig: string;
  readonly contextName: string;
  readonly volumesDir: string;
  readonly pkiDir: string;
  readonly logsDir: string;
}

export const WORKERS = 3;

/**
 * Ranges, per slot s (0..7): nodes 10.250.s.0/24, pods 10.(100+s).0.0/16 (a /24 per node), Services
 * 10.96.(16*s).0/20. Every range is routed to nowhere on the host before anything starts.
 */
export function clusterLayout(name: string, slot: number): ClusterLayout {
  if (!Number.isInteger(slot) || slot < 0 || slot >= MAX_SLOTS) throw new Error(`cluster slot ${slot} is outside 0..${MAX_SLOTS - 1}`);
  const dir = join(CLUSTER_ROOT, name);
  const nodeNet = `10.250.${slot}`;
  const podNet = `10.${100 + slot}`;
  const serviceBase = `10.96.${16 * slot}`;
  const nodes: NodeLayout[] = [];
  for (let index = 0; index <= WORKERS; index++) {
    const role: NodeRole = index === 0 ? 'control-plane' : 'worker';
    const nodeName = index === 0 ? `${name}-control-plane` : `${name}-worker${index === 1 ? '' : index}`;
    const nodeDir = join(dir, 'nodes', nodeName);
    nodes.push({
      name: nodeName,
      role,
      index,
      ip: `${nodeNet}.${index + 2}`,
      podCidr: `${podNet}.${index}.0/24`,
      podGateway: `${podNet}.${index}.1`,
      netns: `rcc${slot}-n${index}`,
      hostVeth: `rcc${slot}v${index}`,
      dir: nodeDir,
      containerdSocket: join(nodeDir, 'containerd', 'containerd.sock'),
      cgroupRoot: `/redis-charts-cluster/${name}/n${index}`,
    });
  }
  return {
    name,
    slot,
    dir,
    bridge: `rcc${slot}br`,
    hostIp: `${nodeNet}.1`,
    nodeCidr: `${nodeNet}.0/24`,
    podCidr: `${podNet}.0.0/16`,
    serviceCidr: `${serviceBase}.0/20`,
    apiServerIp: `${serviceBase}.1`,
    dnsServiceIp: `${serviceBase}.10`,
    apiServer: `https://${nodes[0]!.ip}:6443`,
    nodes,
    kubeconfig: join(dir, 'kubeconfig'),
    contextName: `redis-charts-${name}`,
    volumesDir: join(dir, 'volumes'),
    pkiDir: join(dir, 'pki'),
    logsDir: join(dir, 'logs'),
  };
}

/** Where a cluster that failed to start leaves its logs (its own directory is removed). */
export const failedLogsDir = (name: string) => join('/tmp', 'redis-charts-cluster-logs', name);

export const controlPlane = (layout: ClusterLayout): NodeLayout => layout.nodes[0]!;
export const workers = (layout: ClusterLayout): NodeLayout[] => layout.nodes.filter((n) => n.role === 'worker');
