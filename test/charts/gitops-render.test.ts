import path from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { PROFILES_DIR, UMBRELLA_DIR } from '../../generator/paths.ts';
import { listProfiles } from '../../generator/profiles/files.ts';
import { HELM_MAJORS, runHelm } from '../support/helm-runs.ts';

type Obj = { kind: string; metadata: { name: string; annotations?: Record<string, string> }; data?: Record<string, string>; stringData?: Record<string, string> };

const objects = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS() as Obj | null).filter((o): o is Obj => !!o?.kind);

/** The password step of the secrets hook Job, when the render has one (a password to generate). */
const passwordSteps = (objs: Obj[]) => objs
  .filter((o) => o.kind === 'Job' && o.metadata.name === 'app-redis-secrets-init')
  .flatMap((o) => ((o as any).spec.template.spec.initContainers as { name: string }[]).map((c) => c.name))
  .filter((n) => n === 'generate-password');

describe('GitOps-safe rendering (helm template, no cluster)', () => {
  for (const major of HELM_MAJORS) {
    for (const profile of listProfiles()) {
      it(`Helm ${major}: ${profile.name} renders byte-identical output twice`, async () => {
        const args = ['template', 'app', UMBRELLA_DIR, '-f', profile.file];
        const [a, b] = await Promise.all([runHelm(major, args), runHelm(major, args)]);
        expect(a.ok, a.stderr).to.equal(true);
        expect(b.stdout).to.equal(a.stdout);
      });
    }

    it(`Helm ${major}: a generated password is not rendered: a hook Job creates both Secrets in the cluster`, async () => {
      const run = await runHelm(major, ['template', 'app', UMBRELLA_DIR, '-f', path.join(PROFILES_DIR, 'ha-production.yaml')]);
      expect(run.ok, run.stderr).to.equal(true);
      const objs = objects(run.stdout);
      expect(objs.filter((o) => o.kind === 'Secret' && /-redis-(auth|connection)$/.test(o.metadata.name)), 'password Secrets rendered').to.deep.equal([]);
      const hooks = objs.filter((o) => o.metadata.name === 'app-redis-secrets-init').map((o) => `${o.kind} ${o.metadata.annotations?.['helm.sh/hook']}`);
      expect(hooks).to.have.members(['ServiceAccount', 'Role', 'RoleBinding', 'Job'].map((k) => `${k} pre-install,pre-upgrade`));
      expect(passwordSteps(objs)).to.deep.equal(['generate-password']);
    });

    it(`Helm ${major}: a password from values or existingSecret renders no password Job`, async () => {
      for (const set of ['global.auth.password=given', 'global.auth.existingSecret=mine']) {
        const run = await runHelm(major, ['template', 'app', UMBRELLA_DIR, '-f', path.join(PROFILES_DIR, 'ha-production.yaml'), '--set', set]);
        expect(run.ok, run.stderr).to.equal(true);
        expect(passwordSteps(objects(run.stdout)), set).to.deep.equal([]);
      }
    });
  }
});
