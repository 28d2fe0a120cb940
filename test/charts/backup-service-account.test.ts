import path from 'node:path';
import { expect } from 'chai';
import { PROFILES_DIR, UMBRELLA_DIR } from '../../generator/paths.ts';
import { HELM_MAJORS, runHelm } from '../support/helm-runs.ts';
import { parseManifests } from '../support/manifests.ts';
import type { KubeObject } from '../support/kube-schema.ts';

const HA = path.join(PROFILES_DIR, 'ha-production.yaml');
const ROLE = 'arn:aws:iam::111122223333:role/redis-backup';

async function render(major: 3 | 4, set: string[]): Promise<KubeObject[]> {
  const run = await runHelm(major, ['template', 'cache', UMBRELLA_DIR, '-f', HA, ...set.flatMap((s) => ['--set', s])]);
  expect(run.ok, run.stderr).to.equal(true);
  return parseManifests(run.stdout);
}

const backupPodSpec = (objects: KubeObject[]) => {
  const cron = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === 'cache-backup') as any;
  return cron.spec.jobTemplate.spec.template.spec as { serviceAccountName?: string; automountServiceAccountToken?: boolean };
};
// The password Job's ServiceAccount is a hook object that exists only while the hook runs: not the backup's concern.
const serviceAccounts = (objects: KubeObject[]) => objects.filter((o) => o.kind === 'ServiceAccount' && !o.metadata.annotations?.['helm.sh/hook']);

describe('the backup ServiceAccount (cloud pod identity for the remote)', () => {
  for (const major of HELM_MAJORS) {
    describe(`Helm ${major}`, () => {
      it('is created as <release>-backup and used by the backup CronJob, without the Kubernetes API token', async () => {
        const objects = await render(major, []);
        expect(serviceAccounts(objects).map((o) => o.metadata.name)).to.deep.equal(['cache-backup']);
        expect(serviceAccounts(objects)[0]!['automountServiceAccountToken']).to.equal(false);
        expect(backupPodSpec(objects)).to.include({ serviceAccountName: 'cache-backup', automountServiceAccountToken: false });
      });

      it('carries the annotations a cloud maps to a role (IRSA)', async () => {
        const objects = await render(major, [`backup.serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=${ROLE}`]);
        expect(serviceAccounts(objects)[0]!.metadata.annotations).to.deep.equal({ 'eks.amazonaws.com/role-arn': ROLE });
      });

      it('can be one that exists already: nothing created, the CronJob uses the name given', async () => {
        const objects = await render(major, ['backup.serviceAccount.create=false', 'backup.serviceAccount.name=shared-irsa']);
        expect(serviceAccounts(objects)).to.deep.equal([]);
        expect(backupPodSpec(objects).serviceAccountName).to.equal('shared-irsa');
      });

      it('takes a chosen name and can mount the token when asked', async () => {
        const objects = await render(major, ['backup.serviceAccount.name=redis-backup', 'backup.serviceAccount.automountServiceAccountToken=true']);
        expect(serviceAccounts(objects).map((o) => o.metadata.name)).to.deep.equal(['redis-backup']);
        expect(backupPodSpec(objects)).to.include({ serviceAccountName: 'redis-backup', automountServiceAccountToken: true });
      });

      it('is not given to the backup-store pod, which only serves the local volume', async () => {
        const objects = await render(major, []);
        const store = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'cache-backup-store') as any;
        expect(store.spec.template.spec.serviceAccountName).to.equal(undefined);
        expect(store.spec.template.spec.automountServiceAccountToken).to.equal(false);
      });

      it('refuses a name that is not a Kubernetes name', async () => {
        const run = await runHelm(major, ['template', 'cache', UMBRELLA_DIR, '-f', HA, '--set', 'backup.serviceAccount.name=Backup_SA']);
        expect(run.ok).to.equal(false);
        expect(run.stderr).to.match(/serviceAccount/);
      });
    });
  }
});
