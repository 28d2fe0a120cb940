/**
 * The benchmarks' cluster: the local Kubernetes cluster a test run uses (started for this process, removed when it
 * ends), through the same driver as every scenario.
 */
import type { KubeCluster } from '../cluster/kube/index.ts';
import { localKubeCluster, stopLocalCluster } from '../test/support/local-cluster.ts';
import { useRunTempDir } from '../test/support/run-temp-dir.ts';

export async function withLocalCluster(body: (cluster: KubeCluster) => Promise<void>): Promise<void> {
  const removeRunTempDir = useRunTempDir();
  const cluster = await localKubeCluster();
  try {
    await body(cluster);
  } finally {
    await cluster.destroy();
    await stopLocalCluster();
    removeRunTempDir();
  }
}
