import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireCommand } from '../../toolchain/tools.ts';
import { runChecked } from '../../toolchain/run.ts';
import { failureFromLogs, isBackupName, manifestFromLogs, type BackupManifest } from './manifest.ts';
import { locationFromCronJob, type BackupLocation } from './location.ts';
import { backupName } from '../../generator/charts/names.ts';
import type { BackupTarget } from './target.ts';

/** Where a release's backups go, read from its backup CronJob. */
export async function backupLocation(target: BackupTarget): Promise<BackupLocation> {
  return locationFromCronJob(await target.cronJob(backupName(target.name)));
}

/** Run the backup CronJob now; throws with the job's own failure line when it fails. */
export async function backupNow(target: BackupTarget, timeoutMs?: number): Promise<BackupManifest> {
  const r = await target.runCronJob(backupName(target.name), { timeoutMs });
  if (!r.succeeded) throw new Error(`backup job ${r.jobName} failed: ${failureFromLogs(r.logs) ?? 'see its logs'}\n${r.logs}`);
  return manifestFromLogs(r.logs);
}

export interface ListedBackup {
  name: string;
  manifest: BackupManifest | undefined;
  latest: boolean;
}

/** Backups on the release's remote, newest first; data without a manifest is listed as incomplete. */
export async function listBackups(target: BackupTarget): Promise<ListedBackup[]> {
  const loc = await backupLocation(target);
  if (loc.remoteType === 'local' || !loc.secretName) {
    throw new Error(`release ${target.name} keeps its backups on the PVC ${loc.claimName ?? '(none)'} only; list them from the backup job's logs (\`kubectl logs job/<job> -c upload\`) or mount the claim`);
  }
  const conf = (await target.secret(loc.secretName))['rclone.conf'];
  if (!conf) throw new Error(`Secret ${loc.secretName} has no rclone.conf`);
  const rclone = requireCommand('rclone', 'rclone');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-backup-'));
  try {
    const confFile = path.join(dir, 'rclone.conf');
    fs.writeFileSync(confFile, conf, { mode: 0o600 });
    const rc = (...args: string[]) => runChecked(rclone, ['--config', confFile, ...args]);
    const remote = `remote:${loc.remotePath}`;
    const files = (await rc('lsf', '--files-only', '--max-depth', '1', remote)).split('\n').filter(Boolean);
    const latest = files.includes('latest') ? (await rc('cat', `${remote}/latest`)).trim() : '';
    const names = [...new Set(files.map((f) => f.replace(/\.(json|rdb\.gz)$/, '')).filter(isBackupName))].sort().reverse();
    return await Promise.all(names.map(async (name) => ({
      name,
      latest: name === latest,
      manifest: files.includes(`${name}.json`) ? (JSON.parse(await rc('cat', `${remote}/${name}.json`)) as BackupManifest) : undefined,
    })));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
