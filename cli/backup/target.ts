import type { JobRun } from '../../cluster/driver.ts';

/** What the backup operations need from a release; kubectlTarget provides it for a release on any cluster. */
export interface BackupTarget {
  readonly name: string;
  runCronJob(name: string, opts?: { timeoutMs?: number }): Promise<JobRun>;
  secret(name: string): Promise<Record<string, string>>;
  /** The backup CronJob as rendered or as found in the cluster. */
  cronJob(name: string): Promise<Record<string, any>>;
}

/** Names the charts give a release's backup objects (redis-backup chart, _backup.tpl). */
export const backupCronJobName = (release: string) => `${release.slice(0, 40).replace(/-+$/, '')}-backup`;
export const backupRemoteSecretName = (release: string) => `${backupCronJobName(release)}-remote`;
