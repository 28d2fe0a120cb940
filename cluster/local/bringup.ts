import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { addonManifests, COREDNS_IMAGE } from './addons.ts';
import {
  containerdComponent,
  controlPlaneComponents,
  kubeletComponent,
  kubeProxyComponent,
  netpolComponent,
  type ClusterBinaries,
} from './components.ts';
import { runChecked } from '../../toolchain/run.ts';
import { waitFor } from '../wait-for.ts';
import { buildImages, CHART_IMAGE_NAMES } from './images/index.ts';
import { kubectl } from './kubectl.ts';
import type { ClusterLayout, NodeLayout } from './layout.ts';
import { createNetwork, routeRangesToNowhere } from './network.ts';
import { cniConfig, containerdConfig, kubeletConfig, kubeProxyConfig, nodePaths, PAUSE_IMAGE, RESOLV_CONF } from './node-config.ts';
import { createPki } from './pki.ts';
import type { ComponentRunner } from './supervisor-runner.ts';
import { clusterCgroupDirs } from './teardown.ts';
import { imagesDir, toolsDir } from './tools.ts';

export type Log = (line: string) => void;

/**
 * The images the cluster builds and every node loads: `charts`, what the charts and the cluster run (the default);
 * `all`, also the application client images the tests run; `system`, only what the cluster itself runs (its sandbox
 * and CoreDNS), for a cluster that runs no release.
 */
export type NodeImages = 'all' | 'charts' | 'system';
const SYSTEM_IMAGES = new Set([PAUSE_IMAGE, COREDNS_IMAGE]);
const imagesFor = (nodeImages: NodeImages): readonly string[] | undefined => (nodeImages === 'all' ? undefined : CHART_IMAGE_NAMES);

/** Start every part of the cluster in order; returns once all nodes are Ready and cluster DNS answers. */
export async function bringUp(layout: ClusterLayout, bin: ClusterBinaries, runner: ComponentRunner, log: Log, nodeImages: NodeImages = 'charts'): Promise<void> {
  const step = timedSteps(log);
  await step('routes: cluster ranges to nowhere', () => routeRangesToNowhere(layout));
  await step('network: bridge and node namespaces', () => createNetwork(layout));
  await step('certificates and kubeconfigs (kubeadm)', () => createPki(layout, bin.kube));
  await step('node configuration and cgroups', async () => {
    for (const node of layout.nodes) writeNodeFiles(layout, node);
    prepareCgroups(layout);
  });
  const built = await step('images', () => buildImages({ outDir: imagesDir(), log, only: imagesFor(nodeImages) }));
  const images = nodeImages === 'system' ? built.filter((i) => SYSTEM_IMAGES.has(i.name)) : built;

  await step('control plane: etcd, kube-apiserver', async () => {
    for (const c of controlPlaneComponents(layout, bin).slice(0, 2)) runner.start(c);
    await waitFor('the API server to be ready', 90_000, async () => ((await kubectl(bin.kube, layout, ['get', '--raw', '/readyz'])).trim() === 'ok' ? true : undefined));
  });
  await step('control plane: controller-manager, scheduler, volume provisioner', async () => {
    for (const c of controlPlaneComponents(layout, bin).slice(2)) runner.start(c);
  });
  await step('nodes: containerd and images', async () => {
    for (const node of layout.nodes) runner.start(containerdComponent(node, bin));
    // Nodes import side by side: each import waits on disk as much as on a core.
    await Promise.all(layout.nodes.map(async (node) => {
      await waitFor(`containerd on ${node.name}`, 30_000, async () => (existsSync(node.containerdSocket) ? true : undefined), 100);
      for (const image of images) {
        await runChecked('ctr', ['--address', node.containerdSocket, '-n', 'k8s.io', 'images', 'import', '--snapshotter', 'overlayfs', image.tarball]);
      }
    }));
  });
  await step('nodes: kubelet and kube-proxy', async () => {
    for (const node of layout.nodes) {
      runner.start(kubeletComponent(node, bin));
      runner.start(kubeProxyComponent(node, bin));
    }
    for (const node of layout.nodes) {
      await waitFor(`node ${node.name} to register`, 60_000, async () => ((await kubectl(bin.kube, layout, ['get', 'node', node.name, '-o', 'name'])) ? true : undefined));
      await kubectl(bin.kube, layout, ['patch', 'node', node.name, '--type', 'merge', '-p', JSON.stringify({ spec: { podCIDR: node.podCidr, podCIDRs: [node.podCidr] } })]);
      if (node.role === 'control-plane') await kubectl(bin.kube, layout, ['label', 'node', node.name, 'node-role.kubernetes.io/control-plane=', '--overwrite']);
    }
  });
  await step('NetworkPolicy enforcer on every node', async () => {
    for (const node of layout.nodes) runner.start(netpolComponent(layout, node, bin));
  });
  await step('add-ons: CoreDNS, default StorageClass, prometheus-operator CRDs', async () => {
    // JSON, not YAML: kubectl reads YAML 1.1, where a bare `no` or `on` is a boolean.
    await kubectl(bin.kube, layout, ['apply', '--server-side', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: addonManifests(layout) }));
    const crdDir = join(toolsDir(), 'crds');
    await kubectl(bin.kube, layout, ['apply', '--server-side', '-f', crdDir]);
  });
  await step('every node Ready, cluster DNS available', async () => {
    await kubectl(bin.kube, layout, ['wait', '--for=condition=Ready', 'node', '--all', '--timeout=120s']);
    await kubectl(bin.kube, layout, ['-n', 'kube-system', 'rollout', 'status', 'deployment/coredns', '--timeout=120s']);
  });
}

function timedSteps(log: Log) {
  return async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await fn();
    log(`${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return result;
  };
}

function writeNodeFiles(layout: ClusterLayout, node: NodeLayout): void {
  const p = nodePaths(node);
  for (const dir of [dirname(p.containerdConfig), p.cniConfDir, p.cniDataDir, p.kubeletDir, p.netpolDir, p.podLogsDir]) mkdirSync(dir, { recursive: true });
  writeFileSync(p.containerdConfig, containerdConfig(node));
  writeFileSync(join(p.cniConfDir, '10-redis-charts.conflist'), cniConfig(node));
  writeFileSync(p.kubeletConfig, kubeletConfig(layout, node));
  writeFileSync(p.kubeProxyConfig, kubeProxyConfig(layout, node));
  writeFileSync(p.resolvConf, RESOLV_CONF);
}


/**
 * Each node's cgroup parent, in every hierarchy. In cgroup v1 a new cpuset group starts with no CPUs and no memory
 * nodes; copy the root's so the kubelet's groups beneath can hold tasks.
 */
function prepareCgroups(layout: ClusterLayout): void {
  for (const root of clusterCgroupDirs(layout)) {
    const hierarchy = root.slice(0, root.indexOf('/redis-charts-cluster/'));
    for (const node of layout.nodes) {
      const parts = node.cgroupRoot.split('/').filter(Boolean);
      let dir = hierarchy;
      for (const part of parts) {
        dir = join(dir, part);
        mkdirSync(dir, { recursive: true });
        for (const file of ['cpuset.cpus', 'cpuset.mems']) {
          const parentFile = join(dir, '..', file);
          if (existsSync(join(dir, file)) && readFileSync(join(dir, file), 'utf8').trim() === '') {
            writeFileSync(join(dir, file), readFileSync(parentFile, 'utf8'));
          }
        }
      }
    }
  }
}
