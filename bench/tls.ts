/**
 * What TLS costs, on the local cluster: ha-production as shipped (TLS) against the same profile with TLS off, both
 * installed in this run. Two figures per release, from this machine to the master pod:
 *   - sequential SETs on one open connection (what encryption costs a request), writes/s;
 *   - a new connection per request (connect, TLS handshake, AUTH, PING, close), connections/s.
 * Printed as TLS / plaintext ratios with p50/p95/max of the per-request latency.
 *   npx tsx bench/tls.ts [seconds]
 */
import { Redis } from 'ioredis';
import { withLocalCluster } from './local-cluster.ts';
import { summarize } from './stats.ts';
import { profileFile } from '../test/scenarios/scenario.ts';
import { HA_ONLY } from '../test/scenarios/ha.ts';
import { credentials, tlsOptions, waitForSingleMaster, REDIS_PORT } from '../test/support/ha.ts';
import type { Release } from '../cluster/driver.ts';

const seconds = Number(process.argv[2] ?? 5);

interface Figures { rate: number; latenciesMs: number[] }

async function measure(body: () => Promise<void>): Promise<Figures> {
  const latenciesMs: number[] = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const t = performance.now();
    await body();
    latenciesMs.push(performance.now() - t);
  }
  return { rate: latenciesMs.length / seconds, latenciesMs };
}

async function figuresOf(release: Release): Promise<{ requests: Figures; connections: Figures }> {
  const { master } = await waitForSingleMaster(release, { sentinels: 3 });
  const ep = await release.endpoint({ pod: master }, REDIS_PORT);
  const options = { host: ep.host, port: ep.port, ...(await credentials(release)), ...(await tlsOptions(release)) };
  const open = new Redis(options);
  let n = 0;
  const requests = await measure(async () => { await open.set(`bench:tls:${n++}`, 'x'); });
  open.disconnect();
  const connections = await measure(async () => {
    const c = new Redis({ ...options, lazyConnect: true, enableReadyCheck: false, retryStrategy: () => null });
    await c.connect();
    await c.ping();
    c.disconnect();
  });
  return { requests, connections };
}

await withLocalCluster(async (cluster) => {
  const measured: Record<'tls' | 'plaintext', { requests: Figures; connections: Figures }> = {} as never;
  for (const [label, tls] of [['tls', true], ['plaintext', false]] as const) {
    const release = await cluster.install({ release: `tls-${label}`, valuesFiles: [profileFile('ha-production')], values: { ...HA_ONLY, global: { tls: { enabled: tls } } } });
    measured[label] = await figuresOf(release);
    await release.uninstall({ keepVolumes: false, wait: false });
  }
  for (const kind of ['requests', 'connections'] as const) {
    const [t, p] = [measured.tls[kind], measured.plaintext[kind]];
    const unit = kind === 'requests' ? 'writes/s on one connection' : 'connections/s (connect, AUTH, PING, close)';
    console.log(`${unit.padEnd(44)} TLS ${Math.round(t.rate)}  plaintext ${Math.round(p.rate)}  ratio TLS/plaintext ${(t.rate / p.rate).toFixed(2)}`);
    const ms = (l: number[]) => summarize(l.map((x) => Math.round(x * 100) / 100));
    console.log(`${''.padEnd(44)} latency TLS ${ms(t.latenciesMs)}; plaintext ${ms(p.latenciesMs)}`);
  }
});
