// The HA scenarios on the local cluster, through the same driver a user's cluster gets. Not yet part of `npm test`:
// they still rely on the sandbox's held-down pod deletion for a node failure, which a real cluster models by stopping
// the node. Run them with `npm run test:local-scenarios`.
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
