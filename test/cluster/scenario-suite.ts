import type { KubeCluster } from '../../cluster/kube/index.ts';
import { S3Server } from '../backup/s3-server.ts';
import { requireBackupTools } from '../backup/support.ts';
import { s3Scenarios } from '../scenarios/backup-s3.ts';
import { scenarioModules } from '../scenarios/index.ts';
import { KeptRelease, runScenarios } from '../scenarios/run.ts';
import { localCluster, localKubeCluster } from '../support/local-cluster.ts';

/**
 * How the scenario modules are split over the test files (test/cluster/scenarios-<part>.test.ts): npm test runs its
 * files in parallel workers, each with a cluster of its own, and a file is the unit a worker takes. Modules that share
 * a release stay in one part; the longest parts are the ones to split next. Every module is in exactly one part
 * (test/scenarios/registry.test.ts).
 */
export const SCENARIO_PARTS = {
  ha: ['ha', 'tls', 'acl', 'appClients', 'networkPolicy'],
  day2: ['day2'],
  data: ['basics', 'backup', 'observability', 'passwords', 'tlsRenewal', 'aclUsers'],
} as const satisfies Record<string, readonly (keyof typeof scenarioModules)[]>;

/**
 * One part's scenario modules, through the same driver a user's cluster gets, on the test process's local cluster (started once
 * for every local-cluster suite in the process; the run's teardown stops it). npm test runs its test files in parallel
 * workers, each with a cluster of its own, so the scenario modules are split over several files (scenarios-*.test.ts).
 * With `s3`, the backup scenarios against an S3 server on the host's address on the cluster bridge (which the pods
 * reach) run last.
 */
export function scenariosOnLocalCluster(part: keyof typeof SCENARIO_PARTS, opts: { s3?: boolean } = {}): void {
  describe(`scenarios on the local cluster (${part}: ${SCENARIO_PARTS[part].join(', ')})`, function () {
    let cluster: KubeCluster | undefined;
    let s3: S3Server | undefined;
    before(async function () {
      this.timeout(900_000);
      if (opts.s3) requireBackupTools();
      cluster = await localKubeCluster();
      if (opts.s3) s3 = await S3Server.start((await localCluster()).layout.hostIp);
    });
    after(async function () {
      this.timeout(300_000);
      await cluster?.destroy();
      await s3?.close();
    });
    // Consecutive modules whose scenarios share a release (ha, tls, acl, appClients, networkPolicy) install it once.
    const kept = new KeptRelease();
    after(async function () {
      this.timeout(120_000);
      await kept.drop();
    });
    for (const module of SCENARIO_PARTS[part]) {
      runScenarios(module, scenarioModules[module], () => cluster!, kept);
    }
    if (opts.s3) runScenarios('backup (S3 remote on the host)', s3Scenarios(() => s3!), () => cluster!);
  });
}
