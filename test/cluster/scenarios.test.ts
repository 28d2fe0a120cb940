import type { KubeCluster } from '../../cluster/kube/index.ts';
import { S3Server } from '../backup/s3-server.ts';
import { requireBackupTools } from '../backup/support.ts';
import { s3Scenarios } from '../scenarios/backup-s3.ts';
import { scenarioModules } from '../scenarios/index.ts';
import { KeptRelease, runScenarios } from '../scenarios/run.ts';
import { localCluster, localKubeCluster } from '../support/local-cluster.ts';

/**
 * Every scenario module, through the same driver a user's cluster gets, on the test run's local cluster (started
 * once for all local-cluster suites; the last of them stops it). The S3 server for the backup scenarios listens on
 * the host's address on the cluster bridge, which the pods reach.
 */
describe('every scenario on the local cluster', function () {
  let cluster: KubeCluster | undefined;
  let s3: S3Server | undefined;
  before(async function () {
    this.timeout(900_000);
    requireBackupTools();
    cluster = await localKubeCluster();
    s3 = await S3Server.start((await localCluster()).layout.hostIp);
  });
  after(async function () {
    this.timeout(300_000);
    await cluster?.destroy();
    await s3?.close();
  });
  // Consecutive modules whose scenarios share a release (ha, appClients, networkPolicy) install it once.
  const kept = new KeptRelease();
  after(async function () {
    this.timeout(120_000);
    await kept.drop();
  });
  for (const [module, scenarios] of Object.entries(scenarioModules)) {
    runScenarios(module, scenarios, () => cluster!, kept);
  }
  runScenarios('backup (S3 remote on the host)', s3Scenarios(() => s3!), () => cluster!);
});
