import { SandboxCluster } from '../../generator/cluster/sandbox/index.ts';
import { renderRelease } from '../../generator/cluster/render.ts';
import { runScenarios } from '../scenarios/run.ts';
import { scenarios } from '../scenarios/observability.ts';

describe('observability on the sandbox cluster', function () {
  const cluster = new SandboxCluster({ render: renderRelease });
  after(() => cluster.destroy());
  runScenarios('ha-production', scenarios, () => cluster);
});
