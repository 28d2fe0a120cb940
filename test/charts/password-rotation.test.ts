import path from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { PROFILES_DIR, UMBRELLA_DIR } from '../../generator/paths.ts';
import { HELM_MAJORS, runHelm } from '../support/helm-runs.ts';

interface Obj {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: { template?: { metadata?: { annotations?: Record<string, string> }; spec: { volumes?: { name: string; projected?: { sources: { secret: { name: string; optional?: boolean; items: { key: string; path: string }[] } }[] } }[] } } };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function render(major: 3 | 4, set: string[]): Promise<Obj[]> {
  const run = await runHelm(major, ['template', 'app', UMBRELLA_DIR, '-f', path.join(PROFILES_DIR, 'ha-production.yaml'), ...set.flatMap((s) => ['--set-string', s])]);
  expect(run.ok, run.stderr).to.equal(true);
  return parseAllDocuments(run.stdout).map((d) => d.toJS() as Obj | null).filter((o): o is Obj => !!o);
}

const named = (objs: Obj[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  expect(o, `${kind} ${name}`).to.not.equal(undefined);
  return o!;
};

/** The Secret and keys a pod's volume projects, as `secret/key -> path (optional)`. */
const projection = (o: Obj, volume: string) => o.spec!.template!.spec.volumes!.find((v) => v.name === volume)!.projected!.sources
  .flatMap((s) => s.secret.items.map((i) => `${s.secret.name}/${i.key} -> ${i.path}${s.secret.optional ? ' (optional)' : ''}`));

describe('password rotation, as rendered', () => {
  for (const major of HELM_MAJORS) {
    it(`Helm ${major}: previousPassword goes into the Secret and the pre-upgrade hook's Secret; clients get the new password`, async () => {
      const objs = await render(major, ['global.auth.password=new one', 'global.auth.previousPassword=old one']);
      expect(named(objs, 'Secret', 'app-redis-auth').data).to.deep.equal({ 'redis-password': b64('new one'), 'redis-password-previous': b64('old one') });
      const next = named(objs, 'Secret', 'app-redis-auth-rotate');
      expect(next.data).to.deep.equal({ 'redis-password': b64('new one'), 'redis-password-previous': b64('old one') });
      expect(next.metadata.annotations!['helm.sh/hook']).to.equal('pre-upgrade,pre-rollback');
      const job = named(objs, 'Job', 'app-redis-auth-rotate');
      expect(projection(job, 'auth-next')).to.deep.equal(['app-redis-auth-rotate/redis-password -> password', 'app-redis-auth-rotate/redis-password-previous -> previous-password (optional)']);
      expect(projection(job, 'auth')).to.deep.equal(['app-redis-auth/redis-password -> password', 'app-redis-auth/redis-password-previous -> previous-password (optional)']);
      expect(named(objs, 'Secret', 'app-redis-connection').stringData!['redis-url']).to.match(/^rediss:\/\/app:new%20one@/);
      for (const sts of ['app-redis', 'app-sentinel']) expect(projection(named(objs, 'StatefulSet', sts), 'auth'), sts).to.include('app-redis-auth/redis-password-previous -> previous-password (optional)');
    });

    it(`Helm ${major}: a password change rolls the exporter (it reads the password from its environment); data pods and sentinels do not roll`, async () => {
      const before = await render(major, ['global.auth.password=old one']);
      const after = await render(major, ['global.auth.password=new one', 'global.auth.previousPassword=old one']);
      const annotations = (objs: Obj[], kind: string, name: string) => named(objs, kind, name).spec!.template!.metadata!.annotations ?? {};
      expect(annotations(after, 'Deployment', 'app-exporter')['checksum/auth']).to.not.equal(annotations(before, 'Deployment', 'app-exporter')['checksum/auth']);
      for (const sts of ['app-redis', 'app-sentinel']) expect(annotations(after, 'StatefulSet', sts), sts).to.deep.equal(annotations(before, 'StatefulSet', sts));
    });

    it(`Helm ${major}: with existingSecret the hook reads both passwords from that Secret and renders none`, async () => {
      const objs = await render(major, ['global.auth.existingSecret=app-creds']);
      expect(objs.filter((o) => o.kind === 'Secret' && /-auth/.test(o.metadata.name)).map((o) => o.metadata.name)).to.deep.equal([]);
      expect(projection(named(objs, 'Job', 'app-redis-auth-rotate'), 'auth-next')).to.deep.equal(['app-creds/redis-password -> password', 'app-creds/redis-password-previous -> previous-password (optional)']);
    });
  }
});
