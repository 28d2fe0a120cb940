/**
 * Master failure RTO on the local cluster (ha-production data nodes and sentinels): fail the master's node N times
 * (default 30; it stays away longer than down-after, then returns) and time the failure → the first acknowledged
 * write on the new master, through a Sentinel-aware client.
 *   npx tsx bench/failover.ts [failures]
 */
import { withLocalCluster } from './local-cluster.ts';
import { profileFile } from '../test/scenarios/scenario.ts';
import { HA_ONLY, killMasterAndMeasure } from '../test/scenarios/ha.ts';
import { AckWriter, missingAcked } from '../test/support/ack-writer.ts';
import { ask, podClient, sentinelClient, sentinelPods, waitForSingleMaster, REDIS_PORT, SENTINEL_PORT } from '../test/support/ha.ts';
import type { Release } from '../cluster/driver.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { summarize } from './stats.ts';
import { describeElection, electionsSince } from '../test/support/sentinel-elections.ts';

const kills = Number(process.argv[2] ?? 30);
const rtos: number[] = [];
let lost = 0;
let splits = 0;
await withLocalCluster(async (cluster) => {
  const release = await cluster.install({ release: 'rto', valuesFiles: [profileFile('ha-production')], values: HA_ONLY });
  for (let i = 1; i <= kills; i++) {
    await waitForSingleMaster(release, { sentinels: 3, timeoutMs: 120_000 });
    await waitForSteadyState(release);
    const { client, close } = await sentinelClient(release);
    const writer = new AckWriter(client, `rto${i}`).start();
    try {
      await writer.waitForAcks(100);
      const failedAt = Date.now();
      const { rtoMs, oldMaster } = await killMasterAndMeasure(release, writer);
      await writer.waitForAcks(100);
      await writer.stop();
      const topology = await waitForSingleMaster(release, { timeoutMs: 60_000 });
      const reader = await podClient(release, topology.master);
      const missing = await missingAcked(reader, writer.prefix, writer.acked).finally(() => reader.disconnect());
      lost += missing.length;
      rtos.push(rtoMs);
      const election = await electionsSince(release, failedAt);
      if (election.epochs.some((e) => !e.elected)) splits++;
      console.log(`kill ${i}: ${oldMaster} -> ${topology.master}, RTO ${rtoMs} ms, acknowledged writes missing: ${missing.length}; ${describeElection(election)}`);
      await release.waitPodReady(oldMaster, 120_000);
    } finally {
      await writer.stop();
      close();
    }
  }
  console.log(`\nRTO over ${rtos.length} kills (down-after 5000 ms): ${summarize(rtos)}; acknowledged writes lost: ${lost}; elections without a leader (split votes): ${splits}`);
});

/**
 * Each failure starts from a recovered release, as separate node failures do: no sentinel in TILT (a sentinel on a
 * node that was frozen enters it for 30 s when the node returns) and every replica's offset at the master's.
 * Back-to-back failures are another measurement: see the README.
 */
async function waitForSteadyState(release: Release): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const tilts = await Promise.all((await sentinelPods(release)).map(async (s) => /sentinel_tilt:0/.test(String(await ask(release, s.name, SENTINEL_PORT, 'INFO', 'sentinel')))));
    const { master } = await waitForSingleMaster(release, { sentinels: 3, timeoutMs: 60_000 });
    const info = String(await ask(release, master, REDIS_PORT, 'INFO', 'replication'));
    const offset = /master_repl_offset:(\d+)/.exec(info)?.[1];
    const replicas = [...info.matchAll(/slave\d+:.*offset=(\d+)/g)].map((m) => m[1]);
    if (tilts.every(Boolean) && replicas.length === 2 && replicas.every((o) => o === offset)) return;
    await sleep(500);
  }
  throw new Error('the release did not reach a steady state (no sentinel in TILT, replicas caught up) within 120 s');
}
