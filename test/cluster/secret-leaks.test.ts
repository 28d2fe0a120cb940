import { expect } from 'chai';
import type { Release } from '../../cluster/driver.ts';
import type { KubeCluster } from '../../cluster/kube/index.ts';
import { profileFile, releaseName } from '../scenarios/scenario.ts';
import { kubectl, localKubeCluster, SCENARIO_PASSWORD } from '../support/local-cluster.ts';
import { ArgvWatch, findSecretLeaks, registeredSecrets } from '../support/secret-leaks.ts';

/** The check every scenario ends with (test/scenarios/run.ts) finds a password wherever one is planted. */
describe('secret leak scan on the local cluster', function () {
  this.timeout(300_000);
  let cluster: KubeCluster;
  let release: Release;

  before(async () => {
    cluster = await localKubeCluster();
    release = await cluster.install({ release: releaseName('leaks'), valuesFiles: [profileFile('dev')] });
  });
  after(async () => {
    await release?.uninstall({ keepVolumes: false, wait: false });
  });

  it('finds nothing in a fresh release, then a planted password in a ConfigMap, a pod spec, a process and a log', async () => {
    expect(await findSecretLeaks(release), 'a fresh dev release').to.deep.equal([]);
    const image = release.manifests.find((o) => o.kind === 'StatefulSet')!.spec.template.spec.containers[0].image as string;
    const watch = new ArgvWatch(registeredSecrets()).start(100);
    await kubectl(['create', 'configmap', 'planted', '-n', release.namespace, `--from-literal=conf=requirepass ${SCENARIO_PASSWORD}`]);
    await release.createPod({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'planted', labels: { 'app.kubernetes.io/instance': release.name } },
      spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 1,
        securityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } },
        // The shell stays (a last command would replace it) with the password as its $0, as a script that got one.
        containers: [{
          name: 'leaky',
          image,
          command: ['sh', '-c', 'echo "connecting with $0"; sleep 120; echo stopped', SCENARIO_PASSWORD],
          env: [{ name: 'REDIS_PASSWORD', value: SCENARIO_PASSWORD }],
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        }],
      },
    });
    await release.waitPodReady('planted', 120_000);
    const seen = watch.stop();
    const leaks = await findSecretLeaks(release);
    await kubectl(['delete', 'pod', 'planted', '-n', release.namespace, '--wait=false']);
    const where = leaks.map((l) => l.where);
    expect(seen.length, `the watch saw the process: ${JSON.stringify(seen)} (${watch.samples} samples)`).to.be.at.least(1);
    expect(where.some((w) => w === 'ConfigMap planted key conf'), where.join('\n')).to.equal(true);
    expect(where.some((w) => w === 'pod planted container leaky command and args'), where.join('\n')).to.equal(true);
    expect(where.some((w) => w === 'pod planted container leaky env REDIS_PASSWORD'), where.join('\n')).to.equal(true);
    expect(where.some((w) => /^process \d+ of pod planted/.test(w)), where.join('\n')).to.equal(true);
    expect(where.some((w) => w === 'log of pod planted container leaky'), where.join('\n')).to.equal(true);
    expect(leaks.every((l) => l.what === 'a password')).to.equal(true);
  });
});
