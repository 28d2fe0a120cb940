import path from 'node:path';
import { expect } from 'chai';
import { PROFILES_DIR, UMBRELLA_DIR } from '../../generator/paths.ts';
import { internalAuthSecretName } from '../../generator/charts/names.ts';
import { HELM_MAJORS, runHelm } from '../support/helm-runs.ts';
import { parseManifests } from '../support/manifests.ts';
import type { KubeObject } from '../support/kube-schema.ts';

const HA = path.join(PROFILES_DIR, 'ha-production.yaml');
const INTERNAL = internalAuthSecretName('cache');

async function render(major: 3 | 4, set: string[] = []): Promise<KubeObject[]> {
  const run = await runHelm(major, ['template', 'cache', UMBRELLA_DIR, '-f', HA, ...set.flatMap((s) => ['--set', s])]);
  expect(run.ok, run.stderr).to.equal(true);
  return parseManifests(run.stdout);
}

/** Every key of the internal-auth Secret a workload's pods can read (volumes and env), by workload. */
function internalKeysByWorkload(objects: KubeObject[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const o of objects as any[]) {
    const spec = o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec?.template?.spec;
    if (!spec || o.metadata.annotations?.['helm.sh/hook']) continue;
    const keys = new Set<string>();
    for (const v of spec.volumes ?? []) {
      if (v.secret?.secretName === INTERNAL) {
        expect(v.secret.items, `${o.metadata.name}: volume ${v.name} names its keys`).to.be.an('array');
        for (const i of v.secret.items) keys.add(i.key);
      }
    }
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef?.name === INTERNAL) keys.add(e.valueFrom.secretKeyRef.key);
    }
    if (keys.size) out[`${o.kind}/${o.metadata.name}`] = [...keys].sort();
  }
  return out;
}

const HASHES = ['backup', 'exporter', 'operator', 'proxy', 'replication', 'sentinel'].map((u) => `${u}.sha256`);

describe('ACL users as rendered (ha-production)', () => {
  for (const major of HELM_MAJORS) {
    describe(`Helm ${major}`, () => {
      it('each component can read only its own user\'s password; the data pods also the replication and sentinel users\' (their scripts log in with them) and the hashes, the sentinels the exporter\'s hash', async () => {
        expect(internalKeysByWorkload(await render(major))).to.deep.equal({
          'StatefulSet/cache-redis': [...HASHES, 'operator', 'replication', 'sentinel'].sort(),
          'StatefulSet/cache-sentinel': ['exporter.sha256', 'sentinel'],
          'Deployment/cache-redis-proxy': ['proxy'],
          'Deployment/cache-exporter': ['exporter'],
          'CronJob/cache-backup': ['backup'],
        });
      });

      it('the connection Secret names the application user; the data pods are told it and its rules', async () => {
        const objects = await render(major, ['global.auth.password=pw', 'global.auth.acl.username=billing', 'global.auth.acl.rules=~billing:* +@read +@write']);
        const connection = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'cache-redis-connection') as any;
        expect(connection.stringData.username).to.equal('billing');
        expect(connection.stringData['redis-url']).to.match(/^rediss:\/\/billing:pw@/);
        const sts = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'cache-redis') as any;
        const env = Object.fromEntries(sts.spec.template.spec.containers[0].env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
        expect(env).to.include({ ACL_ENABLED: 'true', ACL_USERNAME: 'billing', ACL_RULES: '~billing:* +@read +@write', NODE_USER: 'operator' });
      });

      it('further users: the data pods mount each one\'s password Secret (generated or theirs) and get their rules; a hook writes each one\'s connection Secret, and the TLS hook its CA', async () => {
        const objects = await render(major, ['global.auth.acl.users[0].name=reporting', 'global.auth.acl.users[0].rules=~report:* +@read',
          'global.auth.acl.users[1].name=billing', 'global.auth.acl.users[1].rules=~bill:* +@all', 'global.auth.acl.users[1].existingSecret=billing-pw']) as any[];
        const sts = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'cache-redis');
        const sources = sts.spec.template.spec.volumes.find((v: any) => v.name === 'acl-users').projected.sources;
        expect(sources.map((x: any) => `${x.secret.name}/${x.secret.items[0].key}${x.secret.optional ? '?' : ''}`)).to.deep.equal([
          'cache-redis-user-reporting/password', 'cache-redis-user-reporting/previous-password?', 'billing-pw/password', 'billing-pw/previous-password?']);
        const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cache-redis-config');
        expect(config.data['acl-users']).to.equal('reporting ~report:* +@read\nbilling ~bill:* +@all\n');
        const hookRole = objects.find((o) => o.kind === 'Role' && o.metadata.name === 'cache-redis-acl-users');
        expect(hookRole.rules[0].resourceNames).to.deep.equal(['cache-redis-user-reporting', 'cache-redis-connection-reporting', 'cache-redis-connection-billing']);
        const manifests = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cache-redis-acl-users');
        expect(manifests.data.reporting).to.include('name: cache-redis-user-reporting').and.include('rediss://reporting:__PASSWORD_URL__@');
        expect(manifests.data.billing).to.not.include('password: "__PASSWORD__"');
        const caJob = objects.find((o) => o.kind === 'Job' && o.metadata.name === 'cache-redis-tls-ca');
        expect(caJob.spec.template.spec.initContainers[0].env).to.deep.include({ name: 'CONNECTION_SECRETS', value: 'cache-redis-connection cache-redis-connection-reporting cache-redis-connection-billing' });
      });

      it('off: no internal users, the password opens default (and admin for the components), as before', async () => {
        const objects = await render(major, ['global.auth.acl.enabled=false', 'global.auth.password=pw']);
        expect(internalKeysByWorkload(objects)).to.deep.equal({});
        expect(objects.filter((o) => o.metadata.name.endsWith('-internal-auth'))).to.deep.equal([]);
        expect(JSON.stringify(objects), 'no step generates internal users').to.not.include('generate-internal-users');
        const connection = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'cache-redis-connection') as any;
        expect(connection.stringData['redis-url']).to.match(/^rediss:\/\/default:pw@/);
      });
    });
  }
});
