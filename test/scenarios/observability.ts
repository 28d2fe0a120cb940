import { expect } from 'chai';
import { parse } from 'yaml';
import type { Release } from '../../cluster/driver.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { role, waitForSingleMaster } from '../support/ha.ts';
import { PrometheusServer, type PromAlert } from '../observability/support/prometheus.ts';
import { report } from './report.ts';
import type { Scenario } from './scenario.ts';

const DATA_PORT = 9121;
const SENTINEL_PORT = 9122;
const NO_BACKUP = { backup: { enabled: false } };

async function exporterPod(release: Release): Promise<string> {
  const pods = await release.pods({ 'app.kubernetes.io/component': 'exporter' });
  expect(pods, 'exporter pods').to.have.length(1);
  return pods[0]!.name;
}

function configMapData(release: Release, nameSuffix: string, key: string): string {
  const cm = release.manifests.find((m) => m.kind === 'ConfigMap' && String(m.metadata.name).endsWith(nameSuffix));
  if (!cm) throw new Error(`the release rendered no ConfigMap *${nameSuffix}`);
  return cm.data[key] as string;
}

interface MonitorEndpoint {
  port: string;
  params: { target: string[] };
  relabelings: { targetLabel: string; replacement?: string }[];
}

/** The targets exactly as the rendered ServiceMonitor lists them. */
function serviceMonitorTargets(release: Release): { pod: string; component: string; target: string; port: number }[] {
  const sm = release.manifests.find((m) => m.kind === 'ServiceMonitor');
  if (!sm) throw new Error('the release rendered no ServiceMonitor');
  return (sm.spec.endpoints as MonitorEndpoint[]).map((e) => {
    const label = (l: string) => e.relabelings.find((r) => r.targetLabel === l)!.replacement!;
    return { pod: label('pod'), component: label('component'), target: e.params.target[0]!, port: e.port === 'metrics' ? DATA_PORT : SENTINEL_PORT };
  });
}

async function scrape(release: Release, exporter: string, port: number, target: string): Promise<string> {
  const ep = await release.endpoint({ pod: exporter }, port);
  const res = await fetch(`http://${ep.host}:${ep.port}/scrape?target=${encodeURIComponent(target)}`, { signal: AbortSignal.timeout(10_000) });
  return res.text();
}

const sample = (text: string, metric: string, labels: Record<string, string> = {}): number | undefined => {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
};

const exporterScrapesEveryPod: Scenario = {
  name: 'the exporter pod scrapes every data pod and sentinel through the ServiceMonitor targets',
  profile: 'ha-production',
  values: NO_BACKUP,
  timeoutMs: 180_000,
  async run(release) {
    const topology = await waitForSingleMaster(release, { sentinels: 3 });
    await release.waitReady({ selector: { 'app.kubernetes.io/component': 'exporter' } });
    const exporter = await exporterPod(release);
    const targets = serviceMonitorTargets(release);
    expect(targets.map((t) => t.component).sort()).to.deep.equal(['sentinel', 'sentinel', 'sentinel', 'server', 'server', 'server']);
    for (const t of targets) {
      const text = await scrape(release, exporter, t.port, t.target);
      expect(sample(text, 'redis_up'), `redis_up of ${t.pod}`).to.equal(1);
      if (t.component === 'server') {
        const expected = await role(release, t.pod);
        expect(sample(text, 'redis_instance_info', { role: expected! }), `role of ${t.pod}`).to.equal(1);
        // maxclients comes from CONFIG GET, which only the admin user may run.
        expect(sample(text, 'redis_config_maxclients'), `maxclients of ${t.pod}`).to.be.greaterThan(0);
        if (t.pod === topology.master) expect(sample(text, 'redis_connected_slaves'), 'replicas of the master').to.equal(2);
        else expect(sample(text, 'redis_master_link_up'), `link of ${t.pod}`).to.equal(1);
      } else {
        expect(sample(text, 'redis_sentinel_master_status', { master_name: 'mymaster', master_status: 'ok' }), `master status seen by ${t.pod}`).to.equal(1);
        expect(text).to.contain(`master_address="${topology.master}.`);
      }
    }
    report('exporter', { targets: targets.length, master: topology.master });
  },
};

/** Short scrape, evaluation and `for` so the alerts fire within seconds; the rules themselves are the chart's. */
const FAST = {
  ...NO_BACKUP,
  exporter: { interval: '1s', scrapeTimeout: '1s', connectionTimeout: '500ms' },
  alerts: {
    rateWindow: '10s',
    rules: { redisDown: { for: '2s' }, frequentFailovers: { threshold: 1, for: '0s' } },
  },
};

async function waitForFiring(prom: PrometheusServer, alert: string, match: Record<string, string>, sinceMs: number, timeoutMs: number): Promise<{ firing: PromAlert; ms: number }> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    const alerts = await prom.alerts();
    seen = alerts.map((a) => `${a.labels.alertname}:${a.state}`);
    const firing = alerts.find((a) => a.labels.alertname === alert && a.state === 'firing' && Object.entries(match).every(([k, v]) => a.labels[k] === v));
    if (firing) return { firing, ms: Date.now() - sinceMs };
    await sleep(250);
  }
  throw new Error(`${alert} did not fire within ${timeoutMs} ms; alerts seen: ${seen.join(', ') || 'none'}`);
}

const alertsFireOnMasterKill: Scenario = {
  name: 'a real Prometheus with the chart\'s scrape config and rules fires RedisDown and RedisFrequentFailovers when the master is killed',
  profile: 'ha-production',
  values: FAST,
  timeoutMs: 240_000,
  async run(release) {
    const { master } = await waitForSingleMaster(release, { sentinels: 3 });
    await release.waitReady({ selector: { 'app.kubernetes.io/component': 'exporter' } });
    const exporter = await exporterPod(release);
    // The chart's plain scrape config, with the exporter Service address replaced by the exporter pod address this host can reach.
    const jobs = (parse(configMapData(release, '-exporter-scrape', 'scrape.yaml')) as { scrape_configs: { static_configs: { targets: string[] }[] }[] }).scrape_configs;
    for (const job of jobs) {
      for (const sc of job.static_configs) {
        sc.targets = await Promise.all(sc.targets.map(async (t) => {
          const ep = await release.endpoint({ pod: exporter }, Number(t.split(':').pop()));
          return `${ep.host}:${ep.port}`;
        }));
      }
    }
    const prom = new PrometheusServer();
    try {
      await prom.start({ scrapeConfigs: jobs, rules: configMapData(release, '-alerts-rules', 'redis-rules.yaml'), evaluationInterval: '1s' });
      const deadline = Date.now() + 30_000;
      let up: [Record<string, string>, number][] = [];
      while (Date.now() < deadline) {
        up = await prom.query(`redis_up{job="${release.name}-exporter"} == 1`);
        if (up.length === 6) break;
        await sleep(500);
      }
      expect(up.map(([l]) => l.pod).sort(), 'pods Prometheus sees up').to.have.length(6);
      expect((await prom.alerts()).filter((a) => a.state === 'firing').map((a) => a.labels.alertname), 'firing before the kill').to.deep.equal([]);

      const killedAt = Date.now();
      await release.deletePod(master, { graceful: false, holdDownMs: 15_000 });
      const down = await waitForFiring(prom, 'RedisDown', { pod: master }, killedAt, 60_000);
      expect(down.firing.labels.severity).to.equal('critical');
      expect(down.firing.annotations.summary).to.equal(`Redis ${master} is down`);
      report('alerts', { killed: master, 'kill→RedisDown firing ms': down.ms });
      const failover = await waitForFiring(prom, 'RedisFrequentFailovers', { master_name: 'mymaster' }, killedAt, 90_000).catch(async (e: Error) => {
        const seen = await prom.query('count by (pod, master_address, master_status) (last_over_time(redis_sentinel_master_status[1h]))');
        throw new Error(`${e.message}; sentinel views: ${JSON.stringify(seen)}`);
      });
      report('alerts', { killed: master, 'kill→RedisFrequentFailovers firing ms': failover.ms });
    } finally {
      await prom.stop();
    }
  },
};

export const scenarios: Scenario[] = [exporterScrapesEveryPod, alertsFireOnMasterKill];
