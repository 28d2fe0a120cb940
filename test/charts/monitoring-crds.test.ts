import path from 'node:path';
import { expect } from 'chai';
import { CHARTS_DIR, PROFILES_DIR, UMBRELLA_DIR } from '../../generator/paths.ts';
import { MONITORING_API_VERSIONS, apiVersionArgs } from '../../generator/helm/api-versions.ts';
import { HELM_MAJORS, runHelm } from '../support/helm-runs.ts';
import { parseManifests } from '../support/manifests.ts';

const KINDS = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'];
const HA = path.join(PROFILES_DIR, 'ha-production.yaml');
const MONITORS_WITH_LABELS = [
  '--set', 'exporter.podMonitor.enabled=true',
  '--set', 'exporter.serviceMonitor.labels.release=kube-prometheus-stack',
  '--set', 'exporter.podMonitor.labels.release=kube-prometheus-stack',
  '--set', 'alerts.prometheusRule.labels.release=kube-prometheus-stack',
  '--set', 'alerts.prometheusRule.labels.team=cache',
];

const template = (major: 3 | 4, extra: string[]) => runHelm(major, ['template', 'cache', UMBRELLA_DIR, '-f', HA, ...MONITORS_WITH_LABELS, ...extra]);
const monitoringObjects = (yaml: string) => parseManifests(yaml).filter((o) => KINDS.includes(o.kind));

/** NOTES as `helm install --dry-run=client` prints them (Helm 4: Helm 3.17 still asks the cluster for its version). */
async function notes(chartDir: string, args: string[]): Promise<string> {
  const run = await runHelm(4, ['install', 'cache', chartDir, '--dry-run=client', ...args]);
  expect(run.ok, run.stderr).to.equal(true);
  return run.stdout.slice(run.stdout.indexOf('NOTES:'));
}

describe('prometheus-operator objects (ServiceMonitor, PodMonitor, PrometheusRule)', () => {
  for (const major of HELM_MAJORS) {
    describe(`Helm ${major}`, () => {
      it('are not rendered where the cluster lacks their CRDs, so a plain cluster can install the chart', async () => {
        const run = await template(major, []);
        expect(run.ok, run.stderr).to.equal(true);
        expect(monitoringObjects(run.stdout)).to.deep.equal([]);
        expect(parseManifests(run.stdout).some((o) => o.kind === 'StatefulSet')).to.equal(true);
      });

      it('are rendered, with the extra labels, where the cluster serves monitoring.coreos.com/v1', async () => {
        const run = await template(major, apiVersionArgs(MONITORING_API_VERSIONS));
        expect(run.ok, run.stderr).to.equal(true);
        const objects = monitoringObjects(run.stdout);
        expect(objects.map((o) => o.kind)).to.have.members(KINDS);
        for (const o of objects) {
          expect(o.metadata.labels, o.kind).to.include({ release: 'kube-prometheus-stack', 'app.kubernetes.io/instance': 'cache' });
        }
        expect(objects.find((o) => o.kind === 'PrometheusRule')!.metadata.labels).to.include({ team: 'cache' });
      });

      it('are rendered one by one: each checks its own kind', async () => {
        const run = await template(major, apiVersionArgs(['monitoring.coreos.com/v1/PodMonitor']));
        expect(run.ok, run.stderr).to.equal(true);
        expect(monitoringObjects(run.stdout).map((o) => o.kind)).to.deep.equal(['PodMonitor']);
      });

      it('carry no extra label by default', async () => {
        const run = await runHelm(major, ['template', 'cache', UMBRELLA_DIR, '-f', HA, ...apiVersionArgs(MONITORING_API_VERSIONS)]);
        expect(run.ok, run.stderr).to.equal(true);
        const objects = monitoringObjects(run.stdout);
        expect(objects.map((o) => o.kind)).to.have.members(['ServiceMonitor', 'PrometheusRule']);
        for (const o of objects) expect(Object.keys(o.metadata.labels ?? {}), o.kind).to.not.include('release');
      });
    });
  }

  describe('NOTES when an enabled object was skipped', () => {
    it('the umbrella chart names each skipped object, its key, and both fixes', async () => {
      const text = await notes(UMBRELLA_DIR, ['-f', HA, '--set', 'exporter.podMonitor.enabled=true']);
      for (const [kind, key] of [['ServiceMonitor', 'exporter.serviceMonitor.enabled'], ['PodMonitor', 'exporter.podMonitor.enabled'], ['PrometheusRule', 'alerts.prometheusRule.enabled']]) {
        expect(text).to.include(`SKIPPED: ${kind} not created although ${key} is true`);
        expect(text).to.include(`helm template --api-versions monitoring.coreos.com/v1/${kind}`);
      }
      expect(text).to.include('Install the prometheus-operator CRDs');
    });

    it('the umbrella chart says nothing of objects the user did not enable', async () => {
      const text = await notes(UMBRELLA_DIR, ['-f', path.join(PROFILES_DIR, 'dev.yaml')]);
      expect(text).to.include('Master endpoint');
      expect(text).to.not.include('SKIPPED');
    });

    it('the exporter and alerts charts on their own say so too', async () => {
      const exporter = await notes(path.join(CHARTS_DIR, 'redis-exporter'), ['--set', 'global.auth.enabled=false', '--set', 'serviceMonitor.enabled=true']);
      expect(exporter).to.include('SKIPPED: ServiceMonitor not created although serviceMonitor.enabled is true');
      expect(exporter).to.include('No ServiceMonitor');
      const alerts = await notes(path.join(CHARTS_DIR, 'redis-alerts'), []);
      expect(alerts).to.include('SKIPPED: PrometheusRule not created although prometheusRule.enabled is true');
      expect(alerts).to.not.include('PrometheusRule created');
    });
  });
});
