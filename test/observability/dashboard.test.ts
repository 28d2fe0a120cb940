import { expect } from 'chai';
import { stringify } from 'yaml';
import { dashboard, dashboardExpressions, VARIABLE_SAMPLES, variableSelectors } from '../../generator/observability/dashboard.ts';
import { promtool } from './support/promtool.ts';
import { findManifest, renderProfile } from './support/render.ts';

/** A dashboard expression as plain PromQL: Grafana variables replaced by sample values. */
function asPromql(expr: string): string {
  let out = expr;
  for (const [name, value] of Object.entries(VARIABLE_SAMPLES)) out = out.split(name).join(value);
  expect(out, `unknown Grafana variable in ${expr}`).to.not.match(/\$/);
  return out;
}

describe('Grafana dashboard', function () {
  this.timeout(60_000);

  it('every PromQL expression passes `promtool check rules` (as throwaway recording rules)', async () => {
    const exprs = [...dashboardExpressions(), ...variableSelectors()];
    expect(exprs.length).to.be.greaterThan(20);
    const rules = { groups: [{ name: 'dashboard', rules: exprs.map((e, i) => ({ record: `dashboard:expr_${i}`, expr: asPromql(e) })) }] };
    const r = await promtool(['check', 'rules', 'rules.yaml'], { 'rules.yaml': stringify(rules) });
    expect(r.code, r.output).to.equal(0);
    expect(r.output).to.contain(`SUCCESS: ${exprs.length} rules found`);
  });

  it('a broken expression is caught by the same check', async () => {
    const rules = { groups: [{ name: 'dashboard', rules: [{ record: 'dashboard:broken', expr: asPromql('rate(redis_up{job="$job"}[$__rate_interval]') }] }] };
    const r = await promtool(['check', 'rules', 'rules.yaml'], { 'rules.yaml': stringify(rules) });
    expect(r.code).to.not.equal(0);
  });

  it('covers memory, keys, commands, hit rate, clients, evictions, replication, sentinel, failovers and backups', () => {
    const titles = (dashboard() as { panels: { title: string }[] }).panels.map((p) => p.title).join(' | ');
    for (const t of ['Memory', 'Keys', 'Commands per second', 'Hit rate', 'Clients', 'Evictions', 'Replication lag', 'Replication links', 'Sentinel view of the master', 'Failovers', 'Backup age']) {
      expect(titles).to.contain(t);
    }
  });

  it('ships as a ConfigMap for the Grafana sidecar, with a per-release uid', async () => {
    const manifests = await renderProfile('ha-production', { alerts: { dashboard: { folder: 'Payments' } } }, 'payments');
    const cm = findManifest(manifests, 'ConfigMap', '-alerts-dashboard');
    expect(cm.metadata.labels.grafana_dashboard).to.equal('1');
    expect(cm.metadata.annotations.grafana_folder).to.equal('Payments');
    const shipped = JSON.parse(cm.data['redis.json']);
    expect(shipped.title).to.equal('Redis / default / payments');
    expect(shipped.uid).to.match(/^redis-[0-9a-f]{12}$/);
    expect(shipped.panels.map((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr)).flat()).to.deep.equal(dashboardExpressions());
  });
});
