import { expect } from 'chai';
import type { Cluster, Release } from '../../generator/cluster/types.ts';
import { ask, dataPods, REDIS_PORT, sentinelPods, waitForSingleMaster } from '../support/ha.ts';
import { lastReleaseTag } from '../../generator/emit/versions.ts';
import { REPO_ROOT } from '../../generator/paths.ts';
import { releasedChart } from '../support/released-chart.ts';
import { withWriters, type PathResult, type WritePath } from '../support/write-paths.ts';
import { HA_ONLY } from './ha.ts';
import { report } from './report.ts';
import { profileFile, type Scenario } from './scenario.ts';

/** Both ways applications reach the master; the sentinel one through its Service, as sentinel pods may be re-created. */
const PATHS: WritePath[] = ['sentinel-service', 'master-service'];

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

function figures(byPath: Map<WritePath, PathResult>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [path, r] of byPath) {
    out[`${path}.acknowledged`] = r.stats.acknowledged;
    out[`${path}.lost`] = r.missing.length;
    out[`${path}.failed`] = r.stats.failed;
    out[`${path}.longestStallMs`] = r.stats.longestStallMs;
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
    name: `chart upgrade from the last release (${lastReleaseTag(REPO_ROOT) ?? 'no release tag'}) to this checkout: nothing acknowledged lost, no write through Sentinel fails`,
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
