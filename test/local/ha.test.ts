import type { KindCluster } from '../../generator/cluster/kind/index.ts';
import { runScenarios } from '../scenarios/run.ts';
import { scenarios } from '../scenarios/ha.ts';
import { localKubeCluster } from '../support/local-cluster.ts';

describe('Sentinel HA on the local cluster', function () {
  let cluster: KindCluster | undefined;
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
