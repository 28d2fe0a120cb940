import path from 'node:path';
import { expect } from 'chai';
import { PROFILES_DIR, UMBRELLA_DIR } from '../../generator/paths.ts';
import { authSecretName, backupName, internalAuthSecretName, backupRemoteSecretName, connectionSecretName, masterServiceName, readServiceName, sentinelHeadlessName, sentinelName, serverHeadlessName, serverName, tlsSecretName } from '../../generator/charts/names.ts';
import { HELM_MAJORS, runHelm } from '../support/helm-runs.ts';
import { parseManifests } from '../support/manifests.ts';
import type { KubeObject } from '../support/kube-schema.ts';

const HA = path.join(PROFILES_DIR, 'ha-production.yaml');

/**
 * Release names that take each branch of the name helpers: a plain name, one ending with a component (rc.name keeps
 * it alone), a name cut at 40 characters leaving a trailing "-" (trimmed once) and one leaving "--".
 */
const RELEASES = ['cache', 'my-redis', 'redis', 'nightly-backup', `${'s'.repeat(39)}-sentinel`, `${'a'.repeat(38)}--x`];

async function render(major: 3 | 4, release: string, source: 'remote' | 'volume'): Promise<KubeObject[]> {
  const run = await runHelm(major, [
    'template', release, UMBRELLA_DIR, '-f', HA, '--set', `server.restore.enabled=true,server.restore.source=${source}`,
  ]);
  expect(run.ok, run.stderr).to.equal(true);
  return parseManifests(run.stdout);
}

const named = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
const serverVolumes = (objects: KubeObject[], release: string) =>
  ((objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === serverName(release)) as any).spec.template.spec.volumes as any[]);

describe('object names in TypeScript (generator/charts/names.ts) match the charts\' templates', () => {
  for (const major of HELM_MAJORS) {
    describe(`Helm ${major}`, () => {
      for (const release of RELEASES) {
        it(`release ${release}: data nodes, master and headless Services, sentinels, password, connection, internal users' and TLS Secrets, backup CronJob and remote Secret, and the restore side`, async () => {
          const remote = await render(major, release, 'remote');
          expect(named(remote, 'StatefulSet')).to.include.members([serverName(release), sentinelName(release)]);
          expect(named(remote, 'Service')).to.include.members([masterServiceName(release), readServiceName(release), sentinelName(release), serverHeadlessName(release), sentinelHeadlessName(release)]);
          const sources = (serverVolumes(remote, release).find((v) => v.name === 'auth')?.projected?.sources ?? []) as any[];
          expect(sources.map((s) => s.secret?.name)).to.include(authSecretName(release));
          expect(serverVolumes(remote, release).find((v) => v.name === 'tls')?.secret?.secretName, 'ha-production serves TLS').to.equal(tlsSecretName(release));
          expect(serverVolumes(remote, release).find((v) => v.name === 'node-auth')?.secret?.secretName, 'ha-production has ACL users').to.equal(internalAuthSecretName(release));
          // The secrets hook may write exactly the Secrets it generates: password, connection, internal users, TLS.
          const hookRole = remote.find((o) => o.kind === 'Role' && o.metadata.name === `${serverName(release)}-secrets-init`) as any;
          expect(hookRole.rules.flatMap((r: any) => r.resourceNames ?? [])).to.deep.equal([authSecretName(release), connectionSecretName(release), internalAuthSecretName(release), tlsSecretName(release)]);
          expect(named(remote, 'CronJob')).to.deep.equal([backupName(release)]);
          expect(named(remote, 'Secret')).to.include(backupRemoteSecretName(release));
          expect(serverVolumes(remote, release).find((v) => v.name === 'restore-config')?.secret?.secretName).to.equal(backupRemoteSecretName(release));
          const volume = await render(major, release, 'volume');
          expect(named(volume, 'PersistentVolumeClaim')).to.include(backupName(release));
          expect(serverVolumes(volume, release).find((v) => v.name === 'backups')?.persistentVolumeClaim?.claimName).to.equal(backupName(release));
        });
      }
    });
  }
});
