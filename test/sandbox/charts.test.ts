import { expect } from 'chai';
import { SandboxCluster } from '../../generator/cluster/sandbox/index.ts';
import { renderRelease } from '../../generator/cluster/render.ts';
import { runScenarios } from '../scenarios/run.ts';
import { scenarios } from '../scenarios/basics.ts';
import { profileFile, releaseName } from '../scenarios/scenario.ts';
import { rejection } from '../support/rejection.ts';

describe('the charts on the sandbox cluster: data, persistence, auth, replication', function () {
  const cluster = new SandboxCluster({ render: renderRelease });
  after(async function () {
    this.timeout(120_000);
    await cluster.destroy();
  });
  runScenarios('dev, exporter and replicated profiles', scenarios, () => cluster);

  it('a render whose server cannot start fails the install with the container\'s own log line', async function () {
    this.timeout(120_000);
    const err = await rejection(cluster.install({
      release: releaseName('bad'), valuesFiles: [profileFile('dev')],
      values: { server: { config: { extra: 'no-such-directive yes' } } }, timeoutMs: 20_000,
    }), 'installing a release whose redis.conf is invalid');
    expect(err.message).to.match(/redis-0/).and.match(/no-such-directive/).and.match(/Bad directive|wrong number of arguments/);
  });
});
