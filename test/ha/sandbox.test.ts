import { SandboxCluster } from '../../generator/cluster/sandbox/index.ts';
import { renderRelease } from '../../generator/cluster/render.ts';
import { runScenarios } from '../scenarios/run.ts';
import { scenarios } from '../scenarios/ha.ts';

describe('Sentinel HA on the sandbox cluster', function () {
  const cluster = new SandboxCluster({ render: renderRelease });
  after(async function () {
    this.timeout(120_000);
    await cluster.destroy();
  });
  runScenarios('ha-production', scenarios, () => cluster);
});
