import { expect } from 'chai';
import type { Release } from '../../cluster/driver.ts';
import { AckWriter, missingAcked, type WriterStats } from '../support/ack-writer.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { withWriters } from '../support/write-paths.ts';
import { ask, dataPods, podClient, REDIS_PORT, role, sentinelClient, sentinelPods, sentinelViews, SENTINEL_PORT, settledSentinelRelease, waitForSingleMaster, MASTER_SET } from '../support/ha.ts';
import { report } from './report.ts';
import { describeElection, electionsSince, failoverBoundMs } from '../support/sentinel-elections.ts';
import { profileSentinelTimings } from './scenario.ts';
import type { Scenario } from './scenario.ts';

const TIMINGS = profileSentinelTimings('ha-production');
const DOWN_AFTER_MS = TIMINGS.downAfterMs;
/** A killed master stays away longer than down-after, as when its node fails, so a failover must happen. */
const NODE_FAILURE = { graceful: false, holdDownMs: DOWN_AFTER_MS + 10_000 } as const;
/** The HA profile's data nodes, sentinels and master proxy; metrics, alerts and backups are proven elsewhere. */
export const HA_ONLY = { exporter: { enabled: false }, alerts: { enabled: false }, backup: { enabled: false } };
/** ha-production's three sentinels agree on one master again: the next scenario may start on this release. */
export const SETTLED = settledSentinelRelease(3);

/** A writer through Sentinel, started once the release has a settled master. */
async function withWriter<T>(release: Release, body: (writer: AckWriter) => Promise<T>): Promise<{ result: T; stats: WriterStats; missing: number[] }> {
  const { result, byPath } = await withWriters(release, ['sentinel'], (w) => body(w.get('sentinel')!), { describe: () => releaseState(release) });
  return { result, ...byPath.get('sentinel')! };
}

async function masterPod(release: Release): Promise<string> {
  return (await waitForSingleMaster(release)).master;
}

/** Kill the master with SIGKILL; returns RTO in ms (kill to first acknowledged write on the new master). */
export async function killMasterAndMeasure(release: Release, writer: AckWriter): Promise<{ rtoMs: number; oldMaster: string; killedAt: number }> {
  const oldMaster = await masterPod(release);
  const killedAt = Date.now();
  await release.deletePod(oldMaster, NODE_FAILURE);
  // Every write sent from here on can only be acknowledged by a new master.
  const goneAt = Date.now();
  const deadline = killedAt + 60_000;
  while (Date.now() < deadline) {
    const ack = writer.firstAckSentAfter(goneAt);
    if (ack !== undefined && (await masterAfter(release, oldMaster))) return { rtoMs: ack - killedAt, oldMaster, killedAt };
    await sleep(50);
  }
  throw new Error(`no acknowledged write within 60 s of killing the master\n${await sentinelLogs(release)}`);
}

/** Roles as each data pod reports them, what each sentinel names, and the sentinels' logs: for failure messages. */
async function releaseState(release: Release): Promise<string> {
  const roles: string[] = [];
  for (const p of await dataPods(release)) {
    const info = String(await ask(release, p.name, REDIS_PORT, 'INFO', 'replication'));
    const field = (k: string) => new RegExp(`${k}:(\\S+)`).exec(info)?.[1] ?? '-';
    roles.push(`${p.name} (${p.ip}, ready ${p.ready}): role ${field('role')} master_host ${field('master_host')} link ${field('master_link_status')} replicas ${field('connected_slaves')}`);
  }
  return `${roles.join('\n')}\nsentinels name: ${JSON.stringify(Object.fromEntries(await sentinelViews(release)))}\n${await sentinelLogs(release)}`;
}

/** The tail of every sentinel's log, for failure messages. */
async function sentinelLogs(release: Release): Promise<string> {
  const out: string[] = [];
  for (const s of await sentinelPods(release)) {
    const lines = (await release.logs(s.name).catch(() => '')).split('\n').filter((l) => !/Failed to resolve|waitpid\(\)/.test(l));
    out.push(`--- ${s.name}\n${lines.slice(-25).join('\n')}`);
  }
  return out.join('\n');
}

async function masterAfter(release: Release, oldMaster: string): Promise<boolean> {
  for (const s of await sentinelPods(release)) {
    const addr = (await ask(release, s.name, SENTINEL_PORT, 'SENTINEL', 'get-master-addr-by-name', MASTER_SET)) as string[] | undefined;
    if (addr?.[0] && !addr[0].startsWith(`${oldMaster}.`)) return true;
  }
  return false;
}

const haScenarios: Scenario[] = [
  {
    name: 'a node failure under the master right after the install reports ready: the release fails over (ready means it can)',
    profile: 'ha-production',
    values: HA_ONLY,
    // The release as `helm install --wait` leaves it; the next scenarios get it once it has settled.
    freshInstall: true,
    sharesRelease: SETTLED,
    timeoutMs: 180_000,
    async run(release) {
      // No settling wait: `helm install --wait` returning is all a user has before the first failure.
      const roles = await Promise.all((await dataPods(release)).map(async (p) => [p.name, await role(release, p.name)] as const));
      const master = roles.find(([, r]) => r === 'master')?.[0];
      expect(master, `a master right after install (roles ${JSON.stringify(roles)})`).to.be.a('string');
      const failedAt = Date.now();
      await release.deletePod(master!, NODE_FAILURE);
      await waitForSingleMasterExcluding(release, master!);
      const newMasterAfterMs = Date.now() - failedAt;
      const topology = await waitForSingleMaster(release, { sentinels: 3, timeoutMs: 90_000 });
      const election = await electionsSince(release, failedAt);
      const { boundMs, split } = failoverBoundMs(TIMINGS, election);
      report('fail-right-after-install', { oldMaster: master!, newMaster: topology.master, newMasterAfterMs, election: describeElection(election) });
      expect(topology.master).to.not.equal(master);
      expect(newMasterAfterMs, `a new master (ms after the failure${split ? ', the election split' : ''}): ${describeElection(election)}`).to.be.at.most(boundMs);
    },
  },
  {
    name: 'node failure under the master: a new master within down-after + 5 s, nothing acknowledged lost; when the node returns the old master rejoins as a replica, all sentinels agree, CKQUORUM ok',
    profile: 'ha-production',
    values: HA_ONLY,
    sharesRelease: SETTLED,
    timeoutMs: 180_000,
    async run(release) {
      const { result, stats, missing } = await withWriter(release, (w) => killMasterAndMeasure(release, w));
      const election = await electionsSince(release, result.killedAt);
      const { boundMs, split } = failoverBoundMs(TIMINGS, election);
      report('kill', { rtoMs: result.rtoMs, election: describeElection(election), acknowledged: stats.acknowledged, failed: stats.failed, missing: missing.length });
      const why = result.rtoMs > boundMs ? `\n${describeElection(election)}\n${await sentinelLogs(release)}` : '';
      expect(result.rtoMs, `RTO${split ? ' after a split election' : ''} (writer errors: ${stats.errors.join(' | ')})${why}`).to.be.at.most(boundMs);
      expect(missing, 'acknowledged writes missing on the new master').to.deep.equal([]);
      await release.waitPodReady(result.oldMaster, 60_000);
      const topology = await waitForSingleMaster(release, { sentinels: 3 });
      expect(topology.master).to.not.equal(result.oldMaster);
      expect(await role(release, result.oldMaster), 'the old master after its node returned').to.equal('slave');
      for (const s of await sentinelPods(release)) {
        expect(String(await ask(release, s.name, SENTINEL_PORT, 'SENTINEL', 'CKQUORUM', MASTER_SET))).to.match(/^OK/);
      }
    },
  },
  {
    name: 'graceful deletion of the master: zero failed writes and a short stall',
    profile: 'ha-production',
    values: HA_ONLY,
    sharesRelease: SETTLED,
    timeoutMs: 180_000,
    async run(release) {
      const { stats, missing } = await withWriter(release, async () => {
        await release.deletePod(await masterPod(release), { graceful: true });
      });
      report('graceful', { longestStallMs: stats.longestStallMs, acknowledged: stats.acknowledged, failed: stats.failed, missing: missing.length });
      expect(stats.errors, 'failed writes').to.deep.equal([]);
      expect(stats.longestStallMs, 'longest write stall (ms)').to.be.below(5000);
      expect(missing).to.deep.equal([]);
    },
  },
  {
    name: 'a master that restarts with an empty volume before Sentinel notices does not wipe the replicas',
    profile: 'ha-production',
    values: HA_ONLY,
    sharesRelease: SETTLED,
    timeoutMs: 180_000,
    async run(release) {
      const { result, stats, missing } = await withWriter(release, async (writer) => {
        const master = await masterPod(release);
        await writer.waitForAcks(200);
        const wiped = await release.exec(master, 'redis', ['sh', '-c', 'rm -rf /data/* && ls -A /data | wc -l']);
        expect(wiped.stdout.trim()).to.equal('0');
        await release.deletePod(master, { graceful: false });
        await release.waitPodReady(master, 90_000);
        return master;
      });
      const topology = await waitForSingleMaster(release);
      report('empty-restart', { oldMaster: result, newMaster: topology.master, acknowledged: stats.acknowledged, missing: missing.length });
      expect(topology.master).to.not.equal(result);
      expect(missing, 'acknowledged writes missing after the empty restart').to.deep.equal([]);
    },
  },
  {
    name: 'a master that crashes and is back before Sentinel notices hands over to its live replica: nothing acknowledged lost',
    profile: 'ha-production',
    values: HA_ONLY,
    sharesRelease: SETTLED,
    timeoutMs: 180_000,
    async run(release) {
      const { result, stats, missing } = await withWriter(release, async (writer) => {
        const master = await masterPod(release);
        await writer.waitForAcks(2000);
        // A crash: the kubelet restarts it in place, back within down-after. Its AOF (everysec) may lack the last
        // acknowledged writes its replicas hold.
        await release.crashContainer(master, 'redis');
        await sleep(1000);
        await release.waitPodReady(master, 90_000);
        return master;
      });
      const topology = await waitForSingleMaster(release);
      report('quick-restart', { oldMaster: result, newMaster: topology.master, acknowledged: stats.acknowledged, missing: missing.length });
      expect(topology.master, 'the restarted pod handed the master role over').to.not.equal(result);
      expect(missing, 'acknowledged writes missing after the quick restart').to.deep.equal([]);
    },
  },
  {
    name: 'full restart (every pod deleted at once): exactly one master, all acknowledged data there',
    profile: 'ha-production',
    values: HA_ONLY,
    sharesRelease: SETTLED,
    timeoutMs: 240_000,
    async run(release) {
      await waitForSingleMaster(release);
      const { client, close } = await sentinelClient(release);
      const writer = new AckWriter(client).start();
      await writer.waitForAcks(500);
      const stats = await writer.stop();
      close();
      const pods = await release.pods();
      await Promise.all(pods.map((p) => release.deletePod(p.name, { graceful: false })));
      await release.waitReady({ timeoutMs: 120_000 });
      const topology = await waitForSingleMaster(release, { sentinels: 3, timeoutMs: 90_000 });
      const reader = await podClient(release, topology.master);
      const missing = await missingAcked(reader, writer.prefix, writer.acked).finally(() => reader.disconnect());
      report('full-restart', { master: topology.master, acknowledged: stats.acknowledged, missing: missing.length });
      expect(topology.masters).to.have.length(1);
      expect(missing).to.deep.equal([]);
    },
  },
  {
    name: 'one of three sentinels down: failover still works; two down: no failover and no second master',
    profile: 'ha-production',
    values: HA_ONLY,
    sharesRelease: SETTLED,
    timeoutMs: 240_000,
    async run(release) {
      // The sentinel on the master's node goes down with it: one of three, as a node failure takes it.
      const first = await masterPod(release);
      const firstNode = (await dataPods(release)).find((p) => p.name === first)!.node;
      const sentinels = (await sentinelPods(release)).sort((a, b) => Number(b.node === firstNode) - Number(a.node === firstNode)).map((s) => s.name);
      await release.cutNetwork(sentinels[0]!);
      await release.deletePod(first, NODE_FAILURE);
      const afterOne = await waitForSingleMaster(release, { timeoutMs: 60_000 });
      expect(afterOne.master, 'failover with 2 of 3 sentinels').to.not.equal(first);
      await release.cutNetwork(sentinels[1]!);
      const master = afterOne.master;
      await release.cutNetwork(master);
      await sleep(DOWN_AFTER_MS + 8000);
      const others = (await dataPods(release)).map((p) => p.name).filter((n) => n !== master);
      const roles = await Promise.all(others.map((n) => role(release, n)));
      report('sentinels-down', { firstFailoverTo: afterOne.master, rolesWithOneSentinel: roles.join(',') });
      expect(roles, 'no replica promoted with only one sentinel').to.not.include('master');
      await release.healNetwork(master);
      await release.healNetwork(sentinels[0]!);
      await release.healNetwork(sentinels[1]!);
      await waitForSingleMaster(release, { sentinels: 3 });
    },
  },
  {
    name: 'a partitioned master stops taking writes, the majority elects a new one, and it rejoins as a replica',
    profile: 'ha-production',
    values: HA_ONLY,
    sharesRelease: SETTLED,
    timeoutMs: 240_000,
    async run(release) {
      const { result, stats, missing } = await withWriter(release, async () => {
        const master = await masterPod(release);
        const direct = await podClient(release, master);
        await direct.connect();
        await release.cutNetwork(master);
        const cutAt = Date.now();
        // Seen from inside the pod: writes are refused once no replica has acknowledged for min-replicas-max-lag.
        let refusedAfterMs: number | undefined;
        while (Date.now() - cutAt < 30_000) {
          const r = await release.exec(master, 'redis', ['sh', '-c', '. /scripts/lib.sh; local_cli SET partition:probe 1']);
          if (/NOREPLICAS/.test(r.stdout + r.stderr)) { refusedAfterMs = Date.now() - cutAt; break; }
          await sleep(250);
        }
        direct.disconnect();
        await waitForSingleMasterExcluding(release, master);
        await release.healNetwork(master);
        return { master, refusedAfterMs };
      });
      const topology = await waitForSingleMaster(release, { sentinels: 3 });
      report('partition', { refusedAfterMs: result.refusedAfterMs ?? 'never', newMaster: topology.master, acknowledged: stats.acknowledged, missing: missing.length });
      expect(result.refusedAfterMs, 'isolated master refuses writes').to.be.a('number').and.at.most(15_000);
      expect(topology.master).to.not.equal(result.master);
      expect(await role(release, result.master)).to.equal('slave');
      expect(missing).to.deep.equal([]);
    },
  },
  {
    name: 'drain of the master\'s node through the eviction API: the master hands over, the budget holds the rest, nothing acknowledged lost',
    profile: 'ha-production',
    values: HA_ONLY,
    sharesRelease: SETTLED,
    timeoutMs: 300_000,
    async run(release) {
      const { result, stats, missing } = await withWriter(release, async () => {
        const master = await masterPod(release);
        const node = (await dataPods(release)).find((p) => p.name === master)!.node!;
        const evicted = await release.drainNode(node, { timeoutMs: 60_000 });
        // The evicted data pod cannot move (its volume is on the drained node): while it is away, the budget
        // (maxUnavailable 1) refuses to evict a second data pod.
        const other = (await dataPods(release)).find((p) => p.name !== master && p.node !== node)!.name;
        const second = await release.evictPod(other);
        await release.uncordonNode(node);
        await release.waitReady({ timeoutMs: 180_000 });
        return { master, evicted, second };
      });
      const topology = await waitForSingleMaster(release, { sentinels: 3 });
      report('drain', { evicted: result.evicted.length, secondEviction: result.second, newMaster: topology.master, acknowledged: stats.acknowledged, failed: stats.failed, longestStallMs: stats.longestStallMs, missing: missing.length });
      expect(result.evicted, 'the drain evicted the master').to.include(result.master);
      expect(result.second, 'a second data pod eviction while one is away').to.equal('refused');
      expect(topology.master).to.not.equal(result.master);
      expect(missing).to.deep.equal([]);
    },
  },
];

async function waitForSingleMasterExcluding(release: Release, excluded: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const others = (await dataPods(release)).map((p) => p.name).filter((n) => n !== excluded);
    const roles = await Promise.all(others.map((n) => role(release, n)));
    if (roles.filter((r) => r === 'master').length === 1) return;
    await sleep(250);
  }
  throw new Error(`the majority side elected no master within 60 s of cutting ${excluded} off`);
}

export const scenarios: Scenario[] = haScenarios.map((s) => ({ ...s, diagnose: releaseState }));
