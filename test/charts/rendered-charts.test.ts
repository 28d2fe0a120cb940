import path from 'node:path';
import { expect } from 'chai';
import { components } from '../../generator/charts/catalog.ts';
import { listProfiles } from '../../generator/profiles/files.ts';
import { CHARTS_DIR, PROFILES_DIR, REPO_ROOT, UMBRELLA_DIR } from '../../generator/paths.ts';
import type { HelmMajor } from '../../toolchain/tools.ts';
import { MONITORING_API_VERSIONS, apiVersionArgs } from '../../generator/helm/api-versions.ts';
import { HELM_MAJORS, runHelm, type HelmRun } from '../support/helm-runs.ts';
import { objectId, parseManifests, podTemplates } from '../support/manifests.ts';
import { schemaProblems, type KubeObject } from '../support/kube-schema.ts';
import { POLICIES, parseImage, secretLeaks } from '../support/chart-policy.ts';

interface RenderCase {
  /** How a user would install it, e.g. `charts/redis -f values/dev.yaml`. */
  name: string;
  chartDir: string;
  valuesFile: string;
  set?: string[];
}

interface Rendered {
  template: HelmRun;
  objects: KubeObject[];
  /** Schema problems by object. */
  problems: Map<string, string[]>;
}

const RELEASE = 'cache';
const NAMESPACE = 'redis';
const PASSWORD = 'S3cretValue1';

const rel = (file: string) => path.relative(REPO_ROOT, file);

const PROFILE_CASES: RenderCase[] = listProfiles().map((p) => ({ name: `charts/redis -f ${rel(p.file)}`, chartDir: UMBRELLA_DIR, valuesFile: p.file }));
const COMPONENT_CASES: RenderCase[] = components.map((c) => {
  const chartDir = path.join(CHARTS_DIR, c.name);
  return { name: `charts/${c.name} -f ci/default-values.yaml`, chartDir, valuesFile: path.join(chartDir, 'ci', 'default-values.yaml') };
});
const HA = path.join(PROFILES_DIR, 'ha-production.yaml');
const PASSWORD_CASE: RenderCase = { name: `charts/redis -f values/ha-production.yaml --set global.auth.password=${PASSWORD}`, chartDir: UMBRELLA_DIR, valuesFile: HA, set: [`global.auth.password=${PASSWORD}`] };
const VALKEY_CASE: RenderCase = { name: 'charts/redis -f values/ha-production.yaml --set global.engine=valkey', chartDir: UMBRELLA_DIR, valuesFile: HA, set: ['global.engine=valkey'] };

const key = (c: RenderCase, helm: HelmMajor) => `helm ${helm} ${c.name}`;

const setArgs = (c: RenderCase) => (c.set ?? []).flatMap((s) => ['--set', s]);

// As on a cluster with the prometheus-operator CRDs, so the ServiceMonitor, PodMonitor and PrometheusRule are checked too.
async function render(c: RenderCase, helm: HelmMajor): Promise<Rendered> {
  const template = await runHelm(helm, ['template', RELEASE, c.chartDir, '--namespace', NAMESPACE, '-f', c.valuesFile, ...setArgs(c), ...apiVersionArgs(MONITORING_API_VERSIONS)]);
  const objects = template.ok ? parseManifests(template.stdout) : [];
  const problems = new Map(await Promise.all(objects.map(async (o) => [objectId(o), await schemaProblems(o)] as const)));
  return { template, objects, problems };
}

describe('the rendered charts', () => {
  const renders = new Map<string, Rendered>();
  const get = (c: RenderCase, helm: HelmMajor) => renders.get(key(c, helm))!;

  // helm lint --strict of the same charts and values files is test/lint/helm-lint.test.ts.
  before(async () => {
    await Promise.all([...PROFILE_CASES, ...COMPONENT_CASES, PASSWORD_CASE, VALKEY_CASE].flatMap((c) => HELM_MAJORS.map(async (helm) => renders.set(key(c, helm), await render(c, helm)))));
  });

  for (const c of [...PROFILE_CASES, ...COMPONENT_CASES]) {
    for (const helm of HELM_MAJORS) {
      describe(`helm ${helm}: ${c.name}`, () => {
        it('renders at least one object with helm template', () => {
          const { template, objects } = get(c, helm);
          expect(template.ok, template.stderr).to.equal(true);
          expect(objects.map(objectId)).to.not.be.empty;
        });

        it('renders only objects the Kubernetes API accepts as written (schema, no unknown field)', () => {
          const failing = [...get(c, helm).problems].filter(([, p]) => p.length).map(([id, p]) => `${id}: ${p.join('; ')}`);
          expect(failing).to.deep.equal([]);
        });
      });
    }
  }

  describe('on every render above, with both Helm versions', () => {
    const everyRender = () => [...PROFILE_CASES, ...COMPONENT_CASES].flatMap((c) => HELM_MAJORS.map((helm) => ({ name: key(c, helm), objects: get(c, helm).objects })));

    it('renders some pod templates to check', () => {
      expect(everyRender().flatMap((r) => podTemplates(r.objects))).to.not.be.empty;
    });

    for (const policy of POLICIES) {
      it(policy.claim, () => {
        const violations = everyRender().flatMap((r) => policy.violations(r.objects).map((v) => `${r.name}: ${v}`));
        expect(violations).to.deep.equal([]);
      });
    }
  });

  describe('a password given in values', () => {
    for (const helm of HELM_MAJORS) {
      it(`is in no ConfigMap, command, argument, env value or any object but a Secret (helm ${helm})`, () => {
        const { template, objects } = get(PASSWORD_CASE, helm);
        expect(template.ok, template.stderr).to.equal(true);
        expect(objects.some((o) => o.kind === 'ConfigMap')).to.equal(true);
        expect(secretLeaks(objects, PASSWORD)).to.deep.equal([]);
      });

      it(`is in the auth Secret (helm ${helm})`, () => {
        const secrets = get(PASSWORD_CASE, helm).objects.filter((o) => o.kind === 'Secret');
        const holds = secrets.filter((s) => Object.values((s.data ?? {}) as Record<string, string>).some((v) => Buffer.from(v, 'base64').toString() === PASSWORD));
        expect(holds.map(objectId)).to.not.be.empty;
      });
    }
  });

  describe('the valkey engine (ha-production with global.engine=valkey)', () => {
    for (const helm of HELM_MAJORS) {
      it(`runs valkey/valkey images and valkey-* binaries only (helm ${helm})`, () => {
        const { template, objects } = get(VALKEY_CASE, helm);
        expect(template.ok, template.stderr).to.equal(true);
        const containers = podTemplates(objects).flatMap((t) => [...(t.spec.initContainers ?? []), ...t.spec.containers]);
        const engineImages = containers.map((c) => parseImage(c.image ?? '').repository).filter((r) => r === 'redis' || r === 'valkey/valkey');
        expect(engineImages).to.not.be.empty;
        expect([...new Set(engineImages)]).to.deep.equal(['valkey/valkey']);
        const binaries = containers.flatMap((c) => (c.env ?? []).filter((e) => e.name.endsWith('_BIN')).map((e) => e.value ?? ''));
        expect([...new Set(binaries)]).to.include.members(['valkey-server', 'valkey-sentinel', 'valkey-cli']);
        expect(binaries.filter((b) => !b.startsWith('valkey-'))).to.deep.equal([]);
      });
    }
  });
});

describe('the chart checks themselves', () => {
  const deployment = (container: Record<string, unknown>, podSpec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bad' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'main', ...container }], ...podSpec } } },
  });

  it('accept a valid Deployment', async () => {
    expect(await schemaProblems(deployment({ image: 'redis:7.4.2' }))).to.deep.equal([]);
  });

  it('reject an unknown field deep in a pod template', async () => {
    const problems = await schemaProblems(deployment({ image: 'redis:7.4.2', securityContext: { readOnlyRootFileSystem: true } }));
    expect(problems).to.deep.equal(['unknown field spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem']);
  });

  it('reject an unknown field in metadata and at the top level', async () => {
    const obj = { ...deployment({ image: 'redis:7.4.2' }), specs: {} } as KubeObject;
    obj.metadata = { name: 'bad', label: { a: 'b' } } as never;
    expect(await schemaProblems(obj)).to.have.members(['unknown field specs', 'unknown field metadata.label']);
  });

  it('reject a wrong type and a missing required field', async () => {
    const wrongType = await schemaProblems(deployment({ image: 'redis:7.4.2', ports: [{ containerPort: 'six' }] }));
    expect(wrongType.join('\n')).to.match(/^schema: .*containers\/0\/ports\/0\/containerPort/);
    const noName = await schemaProblems(deployment({ name: undefined, image: 'redis:7.4.2' }));
    expect(noName.join('\n')).to.match(/^schema: .*containers\/0 .*name/);
  });

  it('reject a kind they have no schema for', async () => {
    expect(await schemaProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).to.deep.equal(['no schema known for example.com/v1 Widget']);
  });

  it('accept free-form maps (labels, ConfigMap data) without calling their keys unknown', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { any: 'x' }, annotations: { 'a/b': 'c' } }, data: { 'redis.conf': 'x' } };
    expect(await schemaProblems(cm)).to.deep.equal([]);
  });

  it('validate ServiceMonitor, PodMonitor and PrometheusRule, and reject their unknown fields', async () => {
    const sm = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 's' }, spec: { selector: {}, endpoints: [{ port: 'metrics', interval: '30s' }] } };
    const pm = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name: 'p' }, spec: { selector: {}, podMetricsEndpoints: [{ port: 'metrics' }] } };
    const pr = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r' }, spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '1m', labels: { severity: 'critical' } }] }] } };
    expect(await schemaProblems(sm)).to.deep.equal([]);
    expect(await schemaProblems(pm)).to.deep.equal([]);
    expect(await schemaProblems(pr)).to.deep.equal([]);
    const badSm = { ...sm, spec: { selector: {}, endpoints: [{ port: 'metrics', intervall: '30s' }] } };
    expect(await schemaProblems(badSm)).to.deep.equal(['unknown field spec.endpoints[0].intervall']);
    const badPr = { ...pr, spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', duration: '1m' }] }] } };
    expect(await schemaProblems(badPr)).to.deep.equal(['unknown field spec.groups[0].rules[0].duration']);
  });

  it('find a violation of every policy in a careless Deployment', () => {
    const careless = deployment({ image: 'nginx:latest' }, {});
    for (const policy of POLICIES) expect(policy.violations([careless]), policy.claim).to.not.be.empty;
    expect(POLICIES.find((p) => p.claim.includes('pinned'))!.violations([deployment({ image: 'redis' })])).to.deep.equal(['Deployment/bad container main: image "redis" has no tag']);
  });

  it('exempt Jobs from probes but not from the security policies', () => {
    const job: KubeObject = {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' },
      spec: { template: { metadata: {}, spec: { restartPolicy: 'Never', containers: [{ name: 'once', image: 'rclone/rclone:1.68.2' }] } } },
    };
    expect(POLICIES.find((p) => p.claim.includes('probes'))!.violations([job])).to.deep.equal([]);
    expect(POLICIES.find((p) => p.claim.includes('read-only'))!.violations([job])).to.deep.equal(['Job/j container once: securityContext.readOnlyRootFilesystem is not true']);
  });

  it('find a password in a ConfigMap, in plain text or base64, and in an env value', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: `requirepass ${PASSWORD}`, b: Buffer.from(PASSWORD).toString('base64') } };
    const env = deployment({ image: 'redis:7.4.2', env: [{ name: 'REDIS_PASSWORD', value: PASSWORD }] });
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { password: PASSWORD } };
    expect(secretLeaks([cm, env, secret], PASSWORD)).to.deep.equal([
      'ConfigMap/c data.a',
      'ConfigMap/c data.b',
      'Deployment/bad spec.template.spec.containers[0].env[0].value',
    ]);
  });
});
