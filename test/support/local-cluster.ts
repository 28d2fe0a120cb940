import { startCluster, stopCluster, type RunningCluster } from '../../cluster/local/lifecycle.ts';
import { runChecked } from '../../cluster/local/exec.ts';
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
    const running = await startCluster({ name: testClusterName(), ownedBy: process.pid, log: (line) => console.log(`      [cluster] ${line}`) });
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
  const running = await localCluster();
  return runChecked(clusterBinaries().kube, ['kubectl', '--kubeconfig', running.kubeconfig, ...args], input === undefined ? {} : { input });
}
