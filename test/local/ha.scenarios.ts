// The HA scenarios on the local cluster, through the same driver a user's cluster gets; a node failure stops the pod's
// node for real. Not yet part of `npm test`: what still fails there is listed in test/cluster/scenarios.test.ts.
// Run them with `npm run test:local-scenarios`.
import type { KubeCluster } from '../../generator/cluster/kube/index.ts';
import { runScenarios } from '../scenarios/run.ts';
import { scenarios } from '../scenarios/ha.ts';
import { localKubeCluster } from '../support/local-cluster.ts';

describe('Sentinel HA on the local cluster', function () {
  let cluster: KubeCluster | undefined;
  before(async function () {
    this.timeout(900_000);
    cluster = await localKubeCluster();
  });
  after(async function () {
    this.timeout(300_000);
    await cluster?.destroy();
  });
  runScenarios('ha-production', scenarios, () => cluster!);
});
