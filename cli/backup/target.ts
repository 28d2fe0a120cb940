import type { JobRun } from '../../cluster/driver.ts';

/** What the backup operations need from a release; kubectlTarget provides it for a release on any cluster. */
export interface BackupTarget {
  readonly name: string;
  runCronJob(name: string, opts?: { timeoutMs?: number }): Promise<JobRun>;
  secret(name: string): Promise<Record<string, string>>;
  /** The backup CronJob as rendered or as found in the cluster. */
  cronJob(name: string): Promise<Record<string, any>>;
}
