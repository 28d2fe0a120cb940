import { existsSync } from 'node:fs';
import { runChecked, runQuietSync } from '../../toolchain/run.ts';
import { controlPlane, type ClusterLayout } from './layout.ts';

/**
 * The cluster's network: a host bridge with one veth per node, each node in its own network namespace. The host keeps
 * forwarding off: nodes reach each other's pods directly over the bridge (a route per node's pod range in every node),
 * and nodes have no default route, so nothing from a pod can leave the machine.
 */

// A blackhole route with a high metric: more specific or lower-metric routes (the bridge, a node's pod range) win while
// the cluster runs, and when a node or the bridge is gone its addresses still go nowhere.
const BLACKHOLE_METRIC = '4000';

export function clusterRanges(layout: ClusterLayout): string[] {
  return [layout.nodeCidr, layout.podCidr, layout.serviceCidr];
}

const ip = (...args: string[]) => runChecked('ip', args);
const inNode = (netns: string, ...args: string[]) => runChecked('ip', ['netns', 'exec', netns, ...args]);

/** Step one of every start, before any process: the cluster's ranges go nowhere. */
export async function routeRangesToNowhere(layout: ClusterLayout): Promise<void> {
  for (const cidr of clusterRanges(layout)) await ip('route', 'replace', 'blackhole', cidr, 'metric', BLACKHOLE_METRIC);
}

export async function createNetwork(layout: ClusterLayout): Promise<void> {
  await ip('link', 'add', layout.bridge, 'type', 'bridge');
  // A bridge without an address of its own takes the lowest of its ports' addresses, so it would change whenever a
  // node's link goes down (a node failure) and back: the nodes would keep sending the host's replies to a stale one.
  await ip('link', 'set', layout.bridge, 'address', `02:72:63:00:00:${layout.slot.toString(16).padStart(2, '0')}`);
  await ip('addr', 'add', `${layout.hostIp}/24`, 'dev', layout.bridge);
  await ip('link', 'set', layout.bridge, 'up');
  for (const node of layout.nodes) {
    await ip('netns', 'add', node.netns);
    await ip('link', 'add', node.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.netns);
    await ip('link', 'set', node.hostVeth, 'master', layout.bridge, 'up');
    await inNode(node.netns, 'ip', 'addr', 'add', `${node.ip}/24`, 'dev', 'eth0');
    await inNode(node.netns, 'ip', 'link', 'set', 'eth0', 'up');
    await inNode(node.netns, 'ip', 'link', 'set', 'lo', 'up');
    // A node routes pod traffic (forwarding inside its own namespace only) and lets kube-proxy and the policy
    // enforcer see bridged pod-to-pod packets.
    await inNode(node.netns, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.bridge.bridge-nf-call-iptables=1');
  }
  for (const node of layout.nodes) {
    for (const peer of layout.nodes) {
      if (peer !== node) await inNode(node.netns, 'ip', 'route', 'add', peer.podCidr, 'via', peer.ip);
    }
    await ip('route', 'replace', node.podCidr, 'via', node.ip);
  }
  // ClusterIPs from this machine go to the control-plane node, where kube-proxy's rules translate them.
  await ip('route', 'replace', layout.serviceCidr, 'via', controlPlane(layout).ip);
}

/** Remove the namespaces, links and routes of a cluster; safe to call for a half-created or already removed one. */
export function removeNetworkSync(layout: ClusterLayout): void {
  for (const node of layout.nodes) {
    if (existsSync(`/run/netns/${node.netns}`)) runQuietSync('ip', ['netns', 'del', node.netns]);
    if (existsSync(`/sys/class/net/${node.hostVeth}`)) runQuietSync('ip', ['link', 'del', node.hostVeth]);
    runQuietSync('ip', ['route', 'del', node.podCidr, 'via', node.ip]);
  }
  runQuietSync('ip', ['route', 'del', layout.serviceCidr, 'via', controlPlane(layout).ip]);
  if (existsSync(`/sys/class/net/${layout.bridge}`)) runQuietSync('ip', ['link', 'del', layout.bridge]);
}

export function removeBlackholesSync(layout: ClusterLayout): void {
  for (const cidr of clusterRanges(layout)) runQuietSync('ip', ['route', 'del', 'blackhole', cidr, 'metric', BLACKHOLE_METRIC]);
}

/** The pids of every process inside a node's network namespace. */
export function netnsPids(netns: string): number[] {
  return runQuietSync('ip', ['netns', 'pids', netns]).split('\n').filter(Boolean).map(Number);
}
