import { expect } from 'chai';
import { dashboardExpressions, variableSelectors } from '../../generator/observability/dashboard.ts';
import { exposedMetrics, LocalRedis } from './support/local-redis.ts';
import { KUBE_STATE_METRICS, metricNames, NEWER_EXPORTER_ONLY } from './support/metric-names.ts';
import { alertsOf, renderProfile, renderedRules } from './support/render.ts';

describe('metrics the rules and the dashboard read exist (real redis_exporter 1.45 against real Redis and Sentinel)', function () {
  this.timeout(60_000);
  const local = new LocalRedis();
  let emitted: Set<string>;
  let master: string;
  let replica: string;
  let sentinel: string;

  before(async () => {
    await local.start();
    [master, replica, sentinel] = await Promise.all([local.scrape('master'), local.scrape('replica'), local.scrape('sentinel')]);
    emitted = new Set([...exposedMetrics(master), ...exposedMetrics(replica), ...exposedMetrics(sentinel)]);
  });
  after(() => local.stop());

  it('the exporter reaches a data node as `admin` and a sentinel with the password only', () => {
    expect(master).to.match(/^redis_up 1$/m);
    expect(master).to.match(/redis_instance_info\{[^}]*role="master"/);
    // CONFIG GET works as admin: maxclients comes from it.
    expect(master).to.match(/^redis_config_maxclients \d+/m);
    expect(replica).to.match(/redis_instance_info\{[^}]*role="slave"/);
    expect(sentinel).to.match(/^redis_up 1$/m);
    expect(sentinel).to.match(/redis_sentinel_master_status\{[^}]*master_name="mymaster"[^}]*\} 1/);
  });

  const check = (what: string, exprs: () => Promise<string[]> | string[]) =>
    it(`every metric ${what} reads is emitted, or is a listed kube-state-metrics metric`, async () => {
      const names = new Set((await exprs()).flatMap(metricNames));
      expect(names.size).to.be.greaterThan(5);
      const missing = [...names].filter((n) => !emitted.has(n) && !KUBE_STATE_METRICS.has(n) && !NEWER_EXPORTER_ONLY.has(n));
      expect(missing, `not emitted by redis_exporter 1.45: ${missing.join(', ')}`).to.deep.equal([]);
    });

  check('the alert rules', async () => alertsOf(renderedRules(await renderProfile('ha-production')).fromPrometheusRule).map((a) => a.expr));
  check('the dashboard', () => [...dashboardExpressions(), ...variableSelectors()]);
});
