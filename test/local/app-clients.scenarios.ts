// The application-client scenarios (test/scenarios/app-clients.ts) on the local cluster: real client libraries as
// pods, from images built on this machine. Run alone with `npx mocha test/local/app-clients.scenarios.ts`.
import type { KubeCluster } from '../../generator/cluster/kube/index.ts';
import { runScenarios } from '../scenarios/run.ts';
import { scenarios } from '../scenarios/app-clients.ts';
import { localKubeCluster, stopLocalCluster } from '../support/local-cluster.ts';

describe('application clients on the local cluster', function () {
  let cluster: KubeCluster | undefined;
  before(async function () {
    this.timeout(900_000);
    cluster = await localKubeCluster();
  });
  after(async function () {
    this.timeout(300_000);
    await cluster?.destroy();
    await stopLocalCluster();
  });
  runScenarios('ha-production', scenarios, () => cluster!);
});
