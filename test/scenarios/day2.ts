import { expect } from 'chai';
import type { Cluster, Release } from '../../generator/cluster/types.ts';
import { sleep } from '../support/ack-writer.ts';
import { ask, dataPods, MASTER_SET, REDIS_PORT, SENTINEL_PORT, sentinelPods, waitForSingleMaster } from '../support/ha.ts';
import { lastRelease } from '../../generator/emit/releases.ts';
import { releasedChart } from '../support/released-chart.ts';
import { withWriters, type PathResult, type WritePath } from '../support/write-paths.ts';
import { HA_ONLY } from './ha.ts';
import { rejection } from '../support/rejection.ts';
import { report } from './report.ts';
import { profileFile, type Scenario } from './scenario.ts';

/** Both ways applications reach the master; the sentinel one through its Service, as sentinel pods may be re-created. */
const PATHS: WritePath[] = ['sentinel-service', 'master-service'];
const SCALABLE = { ...HA_ONLY, server: { podAntiAffinity: 'soft' }, sentinel: { podAntiAffinity: 'soft' } };

/** What one sentinel knows: the hosts it lists as replicas (those it could promote apart) and as sentinels. */
interface SentinelView {
  replicas: string[];
  promotable: string[];
  sentinels: string[];
  ckquorum: string;
}

/** Flat `key value ...` replies of SENTINEL REPLICAS / SENTINELS as one record per member. */
function members(reply: unknown): Record<string, string>[] {
  return ((reply ?? []) as string[][]).map((flat) => Object.fromEntries(flat.flatMap((v, i) => (i % 2 === 0 ? [[v, flat[i + 1]!]] : []))));
}

async function sentinelView(release: Release, pod: string): Promise<SentinelView> {
  const replicas = members(await ask(release, pod, SENTINEL_PORT, 'SENTINEL', 'REPLICAS', MASTER_SET));
  const sentinels = members(await ask(release, pod, SENTINEL_PORT, 'SENTINEL', 'SENTINELS', MASTER_SET));
  return {
    replicas: replicas.map((r) => r['ip']!.split('.')[0]!).sort(),
    promotable: replicas.filter((r) => r['flags'] === 'slave' && r['master-link-status'] === 'ok').map((r) => r['ip']!.split('.')[0]!).sort(),
    sentinels: sentinels.map((r) => r['ip']!.split('.')[0]!).sort(),
    ckquorum: String(await ask(release, pod, SENTINEL_PORT, 'SENTINEL', 'CKQUORUM', MASTER_SET).catch((e: Error) => e.message)),
  };
}

/**
 * Waits (60 s at most) until every sentinel lists exactly the release's replicas, all promotable, and exactly the
 * other sentinels, and CKQUORUM passes; throws with each sentinel's view otherwise.
 */
async function expectMembership(release: Release): Promise<void> {
  const deadline = Date.now() + 60_000;
  let views: [string, SentinelView][] = [];
  for (;;) {
    const { master } = await waitForSingleMaster(release);
    const data = (await dataPods(release)).map((p) => p.name);
    const sentinels = (await sentinelPods(release)).map((p) => p.name);
    views = await Promise.all(sentinels.map(async (s) => [s, await sentinelView(release, s)] as [string, SentinelView]));
    const replicas = data.filter((n) => n !== master).sort();
    const exact = views.every(([s, v]) =>
      JSON.stringify(v.replicas) === JSON.stringify(replicas) && JSON.stringify(v.promotable) === JSON.stringify(replicas)
      && JSON.stringify(v.sentinels) === JSON.stringify(sentinels.filter((o) => o !== s)) && /^OK/.test(v.ckquorum));
    if (exact) return;
    if (Date.now() > deadline) break;
    await sleep(1000);
  }
  throw new Error(`sentinels do not list exactly the release's members: ${JSON.stringify(Object.fromEntries(views), null, 1)}`);
}

/** `helm upgrade` of the release with the ha-production profile and `values` (from `chartDir` when given). */
function upgrade(cluster: Cluster, release: Release, values: Record<string, unknown>, chartDir?: string): Promise<Release> {
  return cluster.install({
    release: release.name, namespace: release.namespace, valuesFiles: [profileFile('ha-production')], values,
    timeoutMs: 240_000, ...(chartDir ? { chartDir } : {}),
  });
}

/** Sentinel events that mean a master went away without handing over: it was seen objectively down. */
async function forcedFailovers(release: Release): Promise<number> {
  let n = 0;
  for (const s of await sentinelPods(release)) n += ((await release.logs(s.name).catch(() => '')).match(/\+odown master/g) ?? []).length;
  return n;
}

function figures(byPath: Map<WritePath, PathResult>, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [path, r] of byPath) {
    out[`${prefix}${path}.acknowledged`] = r.stats.acknowledged;
    out[`${prefix}${path}.lost`] = r.missing.length;
    out[`${prefix}${path}.failed`] = r.stats.failed;
    out[`${prefix}${path}.longestStallMs`] = r.stats.longestStallMs;
  }
  return out;
}

/** Nothing acknowledged lost on any path; no write through Sentinel failed. */
function expectNoLossNoSentinelFailure(byPath: Map<WritePath, PathResult>): void {
  for (const [path, r] of byPath) expect(r.missing, `acknowledged writes through ${path} missing`).to.deep.equal([]);
  const sentinel = byPath.get('sentinel-service')!.stats;
  expect(sentinel.failed, `failed writes through Sentinel: ${sentinel.errors.slice(0, 5).join(' | ')}`).to.equal(0);
}

export const scenarios: Scenario[] = [
  {
    name: 'changes Kubernetes forbids on a StatefulSet (volume size; Sentinel turned on) are refused before anything changes, naming the value and the way on',
    profile: 'dev',
    async run(release, cluster) {
      const before = await dataPods(release);
      const refused = async (values: Record<string, unknown>) => (await rejection(cluster.install({
        release: release.name, namespace: release.namespace, valuesFiles: [profileFile('dev')], values, timeoutMs: 60_000,
      }), 'a forbidden change')).message;
      const size = await refused({ server: { persistence: { size: '2Gi' } } });
      expect(size).to.match(/server\.persistence\.size: 1Gi -> 2Gi/).and.match(/allowVolumeExpansion/).and.match(/--cascade=orphan/);
      const sentinel = await refused({ global: { topology: { dataNodes: 3, sentinels: 3 } }, server: { podAntiAffinity: 'none' }, sentinel: { podAntiAffinity: 'none' } });
      expect(sentinel).to.match(/global\.topology\.sentinels: .*podManagementPolicy \(OrderedReady -> Parallel\)/).and.match(/--cascade=orphan/);
      const after = await dataPods(release);
      expect(after.map((p) => p.uid), 'the data pods were left alone').to.deep.equal(before.map((p) => p.uid));
      report('forbidden', { podsLeftAlone: after.length });
    },
  },
  {
    name: 'helm upgrade with changed values (maxmemory, a memory limit): every data pod rolls, the master hands over; nothing acknowledged lost, no write through Sentinel fails',
    profile: 'ha-production',
    values: HA_ONLY,
    timeoutMs: 360_000,
    async run(release, cluster) {
      const changed = { ...HA_ONLY, server: { config: { maxmemory: '2gb' }, resources: { limits: { memory: '3Gi' } } } };
      const before = new Map((await dataPods(release)).map((p) => [p.name, p.uid]));
      const { result: upgraded, byPath } = await withWriters(release, PATHS, () => upgrade(cluster, release, changed));
      const after = await dataPods(upgraded);
      const forced = await forcedFailovers(upgraded);
      report('upgrade-values', { ...figures(byPath), forcedFailovers: forced });
      for (const p of after) {
        expect(p.uid, `${p.name} was re-created`).to.not.equal(before.get(p.name));
        expect(await ask(upgraded, p.name, REDIS_PORT, 'CONFIG', 'GET', 'maxmemory'), p.name).to.deep.equal(['maxmemory', String(2 * 1024 ** 3)]);
      }
      expect(forced, 'a master stopped without handing over (a sentinel saw it objectively down)').to.equal(0);
      expectNoLossNoSentinelFailure(byPath);
      expect((await waitForSingleMaster(upgraded, { sentinels: 3 })).masters).to.have.length(1);
    },
  },
  {
    name: 'engine switch on a running release (redis 7.0 -> valkey 8.1, global.engine=valkey) with helm upgrade: nothing acknowledged lost, no write through Sentinel fails',
    profile: 'ha-production',
    values: HA_ONLY,
    timeoutMs: 360_000,
    async run(release, cluster) {
      const { result: upgraded, byPath } = await withWriters(release, PATHS, () => upgrade(cluster, release, { ...HA_ONLY, global: { engine: 'valkey' } }));
      const forced = await forcedFailovers(upgraded);
      report('engine-switch', { ...figures(byPath), forcedFailovers: forced });
      for (const p of [...await dataPods(upgraded), ...await sentinelPods(upgraded)]) {
        const port = p.labels['app.kubernetes.io/component'] === 'sentinel' ? SENTINEL_PORT : REDIS_PORT;
        expect(String(await ask(upgraded, p.name, port, 'INFO', 'server')), `${p.name} runs valkey`).to.match(/valkey_version:8\./);
      }
      expect(forced, 'a master stopped without handing over (a sentinel saw it objectively down)').to.equal(0);
      expectNoLossNoSentinelFailure(byPath);
      expect((await waitForSingleMaster(upgraded, { sentinels: 3 })).masters).to.have.length(1);
    },
  },
  {
    name: 'scale data nodes and sentinels 3 -> 5 -> 3 with helm upgrade: no data pod restarts, new members sync and can be promoted; afterwards no sentinel lists a removed one, CKQUORUM holds, the claims stay; nothing lost, no write through Sentinel fails',
    profile: 'ha-production',
    // Five of each on three worker nodes: preferred (not required) spreading.
    values: SCALABLE,
    timeoutMs: 600_000,
    async run(release, cluster) {
      const grow = { ...SCALABLE, global: { topology: { dataNodes: 5, sentinels: 5 } }, sentinel: { ...SCALABLE.sentinel, quorum: 3 } };
      const uids = async (r: Release) => (await dataPods(r)).slice(0, 3).map((p) => p.uid);
      const first = await uids(release);
      const { result: grown, byPath: up } = await withWriters(release, PATHS, () => upgrade(cluster, release, grow));
      expect(await dataPods(grown)).to.have.length(5);
      expect(await uids(grown), 'data pods 0-2 after scaling up (not restarted)').to.deep.equal(first);
      await expectMembership(grown);
      const { result: shrunk, byPath: down } = await withWriters(grown, PATHS, () => upgrade(cluster, grown, SCALABLE));
      expect(await dataPods(shrunk)).to.have.length(3);
      expect(await uids(shrunk), 'data pods 0-2 after scaling down (not restarted)').to.deep.equal(first);
      await expectMembership(shrunk);
      const claims = await shrunk.claims();
      report('scale', { ...figures(up, 'up.'), ...figures(down, 'down.'), claims: claims.length });
      // server.persistence.retention.whenScaled: Retain keeps the removed pods' data for a later scale-up.
      for (const n of [3, 4]) expect(claims.some((c) => c.endsWith(`-redis-${n}`)), `claim of data pod ${n}`).to.equal(true);
      expectNoLossNoSentinelFailure(up);
      expectNoLossNoSentinelFailure(down);
    },
  },
  {
    name: `chart upgrade from the last release (${lastRelease()?.version ?? 'none recorded'}) to this checkout: nothing acknowledged lost, no write through Sentinel fails`,
    profile: 'ha-production',
    values: HA_ONLY,
    chartDir: () => releasedChart().chartDir,
    timeoutMs: 360_000,
    async run(release, cluster) {
      const { result: upgraded, byPath } = await withWriters(release, PATHS, () => upgrade(cluster, release, HA_ONLY));
      const forced = await forcedFailovers(upgraded);
      report('upgrade-chart', { ...figures(byPath), forcedFailovers: forced });
      expect(forced, 'a master stopped without handing over (a sentinel saw it objectively down)').to.equal(0);
      expectNoLossNoSentinelFailure(byPath);
      expect((await waitForSingleMaster(upgraded, { sentinels: 3 })).masters).to.have.length(1);
    },
  },
];
