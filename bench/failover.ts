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
import { podClient, sentinelClient, waitForSingleMaster } from '../test/support/ha.ts';
import { summarize } from './stats.ts';

const kills = Number(process.argv[2] ?? 30);
const rtos: number[] = [];
let lost = 0;
await withLocalCluster(async (cluster) => {
  const release = await cluster.install({ release: 'rto', valuesFiles: [profileFile('ha-production')], values: HA_ONLY });
  for (let i = 1; i <= kills; i++) {
    await waitForSingleMaster(release, { sentinels: 3, timeoutMs: 120_000 });
    const { client, close } = await sentinelClient(release);
    const writer = new AckWriter(client, `rto${i}`).start();
    try {
      await writer.waitForAcks(100);
      const { rtoMs, oldMaster } = await killMasterAndMeasure(release, writer);
      await writer.waitForAcks(100);
      await writer.stop();
      const topology = await waitForSingleMaster(release, { timeoutMs: 60_000 });
      const reader = await podClient(release, topology.master);
      const missing = await missingAcked(reader, writer.prefix, writer.acked).finally(() => reader.disconnect());
      lost += missing.length;
      rtos.push(rtoMs);
      console.log(`kill ${i}: ${oldMaster} -> ${topology.master}, RTO ${rtoMs} ms, acknowledged writes missing: ${missing.length}`);
      await release.waitPodReady(oldMaster, 120_000);
    } finally {
      await writer.stop();
      close();
    }
  }
  console.log(`\nRTO over ${rtos.length} kills (down-after 5000 ms): ${summarize(rtos)}; acknowledged writes lost: ${lost}`);
});
