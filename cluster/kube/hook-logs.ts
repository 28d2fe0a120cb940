import type { Kube } from './kube.ts';

/** The Job a failed Helm hook names (`hooks failed: resource Job/<namespace>/<name> not ready`), if any. */
export function failedHookJob(message: string): { namespace: string; name: string } | undefined {
  const m = /hooks failed: .*?Job\/([a-z0-9-]+)\/([a-z0-9.-]+)/.exec(message);
  return m ? { namespace: m[1]!, name: m[2]!.replace(/[.]$/, '') } : undefined;
}

/**
 * The logs of a failed hook Job's pods, every container that ran (init containers first), so the error says which
 * step failed and why (its pods stay: no hook-failed policy).
 */
export async function hookJobLogs(kube: Kube, job: { namespace: string; name: string }): Promise<string> {
  const pods = await kube.listPods(job.namespace, { 'job-name': job.name }).catch(() => []);
  const logs = await Promise.all(pods.map(async (p) => {
    const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
    const ran = statuses.filter((c) => c.state?.terminated || c.state?.running);
    const parts = await Promise.all(ran.map(async (c) => {
      const end = c.state?.terminated;
      const how = end ? `exit ${end.exitCode}${end.reason ? ` ${end.reason}` : ''}` : 'running';
      const text = await kube.logs(job.namespace, p.metadata?.name ?? '', c.name, false).catch((e: Error) => `(no log: ${e.message.split('\n')[0]})`);
      return `[${c.name}, ${how}]\n${text.trim().split('\n').slice(-20).join('\n')}`;
    }));
    return `--- ${p.metadata?.name} (${p.status?.phase}):\n${parts.join('\n') || '(no container ran)'}`;
  }));
  return logs.join('\n');
}
