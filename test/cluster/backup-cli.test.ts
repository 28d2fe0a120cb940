import { expect } from 'chai';
import type { KubeCluster } from '../../cluster/kube/index.ts';
import type { Release } from '../../cluster/driver.ts';
import { runCli } from '../support/cli.ts';
import { dataPods, podClient } from '../support/ha.ts';
import { localCluster, localKubeCluster } from '../support/local-cluster.ts';
import { profileFile, releaseName } from '../scenarios/scenario.ts';

const KEYS = 200;

/**
 * `redis-charts backup now` as an operator runs it before an upgrade: a separate CLI process against the local
 * cluster, selected by its context name, through the kubectl the cluster ships (no kubectl of the user's needed).
 */
describe('redis-charts backup now against the local cluster', function () {
  this.timeout(300_000);
  let cluster: KubeCluster;
  let release: Release;
  let context: string;
  before(async function () {
    this.timeout(900_000);
    cluster = await localKubeCluster();
    context = (await localCluster()).contextName;
    release = await cluster.install({
      release: releaseName('bkcli'), valuesFiles: [profileFile('dev')],
      values: { exporter: { enabled: false }, alerts: { enabled: false }, backup: { enabled: true, remote: { type: 'local' } } },
    });
    const c = await podClient(release, (await dataPods(release))[0]!.name);
    try {
      const pipe = c.pipeline();
      for (let i = 0; i < KEYS; i++) pipe.set(`k${i}`, `v${i}`);
      await pipe.exec();
    } finally {
      c.disconnect();
    }
  });
  after(async function () {
    await release?.uninstall({ keepVolumes: false, wait: false });
  });

  it('runs the backup job once and prints the new backup\'s manifest: every key, a checksum', async () => {
    const r = await runCli(['backup', 'now', '--release', release.name, '--namespace', release.namespace, '--context', context, '--timeout', '180']);
    expect(r.code, r.stderr).to.equal(0);
    const manifest = JSON.parse(r.stdout) as { keys: number; sha256: string; source: { role: string } };
    expect(manifest.keys).to.equal(KEYS);
    expect(manifest.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(manifest.source.role).to.equal('master');
  });

  it('exits 1 naming the backup CronJob when the release has none', async () => {
    const r = await runCli(['backup', 'now', '--release', 'no-such-release', '--namespace', release.namespace, '--context', context, '--timeout', '30']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/no-such-release-backup/).and.match(/not ?found/i);
  });
});
