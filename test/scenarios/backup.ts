import { expect } from 'chai';
import type { Cluster, JobRun, Release } from '../../cluster/driver.ts';
import { dataPods, podClient, sentinelPods, waitForSingleMaster, ask, SENTINEL_PORT, MASTER_SET } from '../support/ha.ts';
import { profileFile, type Scenario } from './scenario.ts';
import { manifestFromLogs, type BackupManifest } from '../../cli/backup/manifest.ts';
import { backupName } from '../../generator/charts/names.ts';

export { manifestFromLogs };

export const KEYS = 2000;
export const TTL_KEYS = 500;
const TTL_S = 3600;

export const backupJob = (release: Release) => backupName(release.name);

/** The current master's pod name (the only data pod without sentinels). */
async function master(release: Release): Promise<string> {
  const pods = await dataPods(release);
  return pods.length === 1 ? pods[0]!.name : (await waitForSingleMaster(release)).master;
}

/** KEYS strings, TTL_KEYS of them with a TTL, and a hash: what the restore must bring back. */
export async function writeDataset(release: Release, keys = KEYS): Promise<void> {
  const c = await podClient(release, await master(release));
  try {
    await c.connect();
    for (let from = 0; from < keys; from += 10_000) {
      const p = c.pipeline();
      for (let i = from; i < Math.min(keys, from + 10_000); i++) {
        if (i < TTL_KEYS) p.set(`key:${i}`, `value-${i}`, 'EX', TTL_S);
        else p.set(`key:${i}`, `value-${i}`);
      }
      await p.exec();
    }
    await c.hset('session:1', { user: 'alice', role: 'admin' });
  } finally {
    c.disconnect();
  }
}

/** Every key back with its value; TTLs no longer than written and shortened by no more than the elapsed time. */
export async function expectDataset(release: Release, pod: string, elapsedS: number): Promise<void> {
  const c = await podClient(release, pod);
  try {
    await c.connect();
    expect(await c.dbsize()).to.equal(KEYS + 1);
    const p = c.pipeline();
    for (let i = 0; i < KEYS; i++) p.get(`key:${i}`);
    const values = (await p.exec())!.map(([, v]) => v);
    expect(values).to.deep.equal(Array.from({ length: KEYS }, (_, i) => `value-${i}`));
    const t = c.pipeline();
    for (let i = 0; i < KEYS; i++) t.ttl(`key:${i}`);
    const ttls = (await t.exec())!.map(([, v]) => v as number);
    for (let i = 0; i < KEYS; i++) {
      if (i < TTL_KEYS) expect(ttls[i], `TTL of key:${i}`).to.be.within(TTL_S - elapsedS - 1, TTL_S);
      else expect(ttls[i], `TTL of key:${i}`).to.equal(-1);
    }
    expect(await c.hgetall('session:1')).to.deep.equal({ user: 'alice', role: 'admin' });
  } finally {
    c.disconnect();
  }
}

export async function runBackup(release: Release): Promise<JobRun & { manifest: BackupManifest }> {
  const run = await release.runCronJob(backupJob(release), { timeoutMs: 120_000 });
  expect(run.succeeded, run.logs).to.equal(true);
  return { ...run, manifest: manifestFromLogs(run.logs) };
}

/** Values of a release that backs up to (and restores from) the backup volume only. */
const VOLUME_BACKUP = { backup: { enabled: true, remote: { type: 'local' }, retention: { local: { keepLast: 3, maxAgeDays: 7 } } } };
const LEAN = { exporter: { enabled: false }, alerts: { enabled: false } };

/**
 * Backup, drop the release and its data volumes, install again restoring from the backup. The backup volume is
 * kept on uninstall (helm.sh/resource-policy: keep), so the new release finds it under the same name.
 */
export async function backupUninstallRestore(
  release: Release,
  cluster: Cluster,
  o: { profile: string; values: Record<string, unknown>; restoreValues: Record<string, unknown> },
): Promise<{ release: Release; manifest: BackupManifest; backupMs: number; restoreMs: number; elapsedS: number }> {
  await writeDataset(release);
  const written = Date.now();
  const t0 = Date.now();
  const { manifest } = await runBackup(release);
  const backupMs = Date.now() - t0;
  expect(manifest.keys).to.equal(KEYS + 1);
  expect(manifest.expires).to.equal(TTL_KEYS);
  expect(manifest.sha256).to.match(/^[0-9a-f]{64}$/);
  await release.uninstall({ keepVolumes: false });
  const t1 = Date.now();
  const restored = await cluster.install({ release: release.name, valuesFiles: [profileFile(o.profile)], values: o.restoreValues, timeoutMs: 180_000 });
  const restoreMs = Date.now() - t1;
  return { release: restored, manifest, backupMs, restoreMs, elapsedS: Math.ceil((Date.now() - written) / 1000) };
}

function merge(...parts: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, any> = {};
  for (const p of parts) {
    for (const [k, v] of Object.entries(p)) {
      out[k] = v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' ? merge(out[k], v as Record<string, unknown>) : v;
    }
  }
  return out;
}
export { merge as mergeValues };

export const scenarios: Scenario[] = [
  {
    name: 'backup to the backup volume, uninstall dropping the data volume, restore with AOF on: every key, value and TTL back',
    profile: 'dev',
    values: merge(LEAN, VOLUME_BACKUP),
    timeoutMs: 300_000,
    async run(release, cluster) {
      const restoreValues = merge(LEAN, VOLUME_BACKUP, { server: { config: { appendonly: true }, restore: { enabled: true, source: 'volume' } } });
      const r = await backupUninstallRestore(release, cluster, { profile: 'dev', values: {}, restoreValues });
      try {
        const pod = (await dataPods(r.release))[0]!.name;
        await expectDataset(r.release, pod, r.elapsedS);
        const logs = await r.release.logs(pod, 'restore');
        expect(logs).to.match(new RegExp(`restore: ${r.manifest.name} placed \\(${KEYS + 1} keys, as the AOF base\\)`));
      } finally {
        await r.release.uninstall({ keepVolumes: false });
      }
    },
  },
  {
    name: 'an unreachable remote fails the backup job, which says why',
    profile: 'dev',
    values: merge(LEAN, {
      backup: {
        enabled: true,
        remote: { type: 's3', path: 'redis-backups/dev', s3: { provider: 'Other', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, accessKeyId: 'unused-key', secretAccessKey: 'unused-secret' } },
      },
    }),
    timeoutMs: 180_000,
    async run(release) {
      await writeDataset(release);
      const run = await release.runCronJob(backupJob(release), { timeoutMs: 120_000 });
      expect(run.succeeded).to.equal(false);
      expect(run.logs).to.match(/BACKUP FAILED while uploading rdb-\d{8}T\d{6}Z to remote:redis-backups\/dev/);
      expect(run.logs).to.match(/connection refused/);
    },
  },
];

/** Sentinel's view of the master of a release: every sentinel names the same pod. */
export async function sentinelsAgreeOn(release: Release, pod: string): Promise<void> {
  for (const s of await sentinelPods(release)) {
    const addr = (await ask(release, s.name, SENTINEL_PORT, 'SENTINEL', 'get-master-addr-by-name', MASTER_SET)) as string[] | undefined;
    expect(addr?.[0], `sentinel ${s.name}`).to.match(new RegExp(`^${pod}\\.`));
  }
}
