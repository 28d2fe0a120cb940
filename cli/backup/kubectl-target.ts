import type { JobRun } from '../../cluster/driver.ts';
import type { BackupTarget } from './target.ts';

/** Runs kubectl with the given arguments and returns its stdout (kubectlFor: the local cluster's client or the user's). */
export type Kubectl = (args: string[]) => Promise<string>;

/** A release in a cluster, reached through kubectl in its namespace. */
export function kubectlTarget(release: string, namespace: string, kubectl: Kubectl): BackupTarget {
  const k = (...args: string[]) => kubectl(['--namespace', namespace, ...args]);
  const json = async (...args: string[]) => JSON.parse(await k(...args, '-o', 'json')) as Record<string, any>;
  return {
    name: release,
    cronJob: (name) => json('get', 'cronjob', name),
    async secret(name) {
      const s = await json('get', 'secret', name);
      return Object.fromEntries(Object.entries((s.data ?? {}) as Record<string, string>).map(([key, v]) => [key, Buffer.from(v, 'base64').toString('utf8')]));
    },
    async runCronJob(name, opts = {}): Promise<JobRun> {
      const jobName = `${name}-manual-${Math.floor(Date.now() / 1000)}`.slice(0, 63);
      await k('create', 'job', `--from=cronjob/${name}`, jobName);
      const timeout = `${Math.ceil((opts.timeoutMs ?? 3_600_000) / 1000)}s`;
      // Wait for either outcome: a failed Job never becomes complete.
      const deadline = Date.now() + (opts.timeoutMs ?? 3_600_000);
      let succeeded: boolean | undefined;
      while (succeeded === undefined && Date.now() < deadline) {
        const job = await json('get', 'job', jobName);
        const conditions = (job.status?.conditions ?? []) as { type: string; status: string }[];
        if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) succeeded = true;
        else if (conditions.some((c) => c.type === 'Failed' && c.status === 'True')) succeeded = false;
        else await new Promise((r) => setTimeout(r, 2000));
      }
      const logs = await k('logs', `job/${jobName}`, '--all-containers', '--prefix').catch((e: Error) => `(no logs: ${e.message})`);
      if (succeeded === undefined) return { jobName, succeeded: false, logs: `${logs}\nJob ${jobName} did not finish within ${timeout}` };
      return { jobName, succeeded, logs };
    },
  };
}
