import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { registerSecret } from './secret-leaks.ts';
import { deepMerge } from '../../generator/profiles/merge.ts';
import { localImageValues } from '../../cli/local-images.ts';
import { buildImages } from '../../cluster/local/images/index.ts';
import { cutPodAddress, failNode, healPodAddress, killContainer, restoreNode } from '../../cluster/local/faults.ts';
import { startCluster, stopCluster, type RunningCluster } from '../../cluster/local/lifecycle.ts';
import { imagesDir } from '../../cluster/local/tools.ts';
import { KubeCluster } from '../../cluster/kube/index.ts';
import { kubectl as clusterKubectl } from '../../cluster/local/kubectl.ts';
import { clusterBinaries } from '../../cluster/local/tools.ts';

/**
 * The test run's own local cluster: started on first use, named after this process so two runs never share one, and
 * owned by it, so its supervisor removes it if this process dies without stopping it.
 */
let cluster: Promise<RunningCluster> | undefined;

export function testClusterName(): string {
  return `t${process.pid}`;
}

export function localCluster(): Promise<RunningCluster> {
  cluster ??= (async () => {
    const started = Date.now();
    // Every image, the application clients' too (test/scenarios/app-clients.ts).
    const running = await startCluster({ name: testClusterName(), ownedBy: process.pid, nodeImages: 'all', log: (line) => console.log(`      [cluster] ${line}`) });
    console.log(`      [cluster] ready in ${((Date.now() - started) / 1000).toFixed(1)} s: KUBECONFIG=${running.kubeconfig}`);
    return running;
  })();
  return cluster;
}

export async function stopLocalCluster(): Promise<void> {
  if (!cluster) return;
  const running = await cluster.catch(() => undefined);
  cluster = undefined;
  if (running) await stopCluster(running.layout.name);
}

/** kubectl against the test cluster (the cluster's own v1.34 client). */
export async function kubectl(args: readonly string[], input?: string): Promise<string> {
  return clusterKubectl(clusterBinaries().kube, (await localCluster()).layout, args, input);
}

/**
 * The scenario driver (helm + client-node) on the test cluster, with the locally built images and direct addresses.
 * The test process connects from the host's address on the cluster bridge, outside every pod: the releases admit it
 * by address, as an operator admits a bastion network (`global.networkPolicy.allowedCIDRs`).
 */
export async function localKubeCluster(): Promise<KubeCluster> {
  const running = await localCluster();
  // The scenarios set the password, as most operators do (or existingSecret): each install then skips the hook Job
  // that generates one. That path is proven on its own: the GitOps sync test, `ct install` of every profile, the
  // profile test, `redis-charts up`, and the chart upgrade scenario, which clears this password.
  const values = deepMerge(await localValues(), { global: { auth: { password: SCENARIO_PASSWORD } } });
  const files = new Map<string, string>();
  // An older chart (the last release) gets only the keys its values know: its schema refuses newer ones.
  const valuesFiles = (chartDir: string) => {
    if (!files.has(chartDir)) files.set(chartDir, writeValues(knownTo(values, parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')))));
    return [files.get(chartDir)!];
  };
  const name = running.layout.name;
  return new KubeCluster({
    kubeconfig: running.kubeconfig, context: running.contextName, valuesFiles, directAccess: true, timeoutMs: 300_000,
    nodeFaults: {
      failNode: (node) => failNode(name, node), restoreNode: (node) => restoreNode(name, node),
      killContainer: (node, id) => killContainer(name, node, id),
      cutPodAddress: (node, ip) => cutPodAddress(name, node, ip), healPodAddress: (node, ip) => healPodAddress(name, node, ip),
    },
  });
}

/** The password of the scenarios' releases (`global.auth.password`); a scenario that needs another sets its own. */
export const SCENARIO_PASSWORD = 'scenario-password';
registerSecret(SCENARIO_PASSWORD);

/**
 * Values that point the umbrella chart at the locally built images and admit the test process (the host's address on
 * the cluster bridge, and the nodes' addresses, which Service traffic from the host arrives from: kube-proxy
 * masquerades what does not come from a pod), as an operator admits a bastion network.
 */
async function localValues(): Promise<unknown> {
  const running = await localCluster();
  // The enforcer here admits a new pod address within about a second: a 3 s peer wait (6 s by default) keeps a margin
  // and starts every install with Sentinel, where nothing answers yet, a little sooner.
  const harness = { global: { networkPolicy: { allowedCIDRs: [running.layout.nodeCidr] }, topology: { peerWaitSeconds: 3 } } };
  return deepMerge(localImageValues(await buildImages({ outDir: imagesDir() })), harness);
}

function writeValues(values: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'redis-charts-local-values-')), 'local-images.yaml');
  writeFileSync(file, stringify(values));
  return file;
}

/** The part of `values` whose keys a chart's default values (`known`) have, at every depth of nested maps. */
function knownTo(values: unknown, known: unknown): unknown {
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isMap(values) || !isMap(known)) return values;
  return Object.fromEntries(Object.entries(values).filter(([k]) => k in known).map(([k, v]) => [k, knownTo(v, known[k])]));
}

/** The local values as a file, for `helm` run by hand (this checkout's chart). */
export async function localValuesFile(): Promise<string> {
  return writeValues(await localValues());
}
