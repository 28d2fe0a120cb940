import type { Kube } from './kube.ts';

/** The Job a failed Helm hook names (`hooks failed: resource Job/<namespace>/<name> not ready`), if any. */
export function failedHookJob(message: string): { namespace: string; name: string } | undefined {
  const m = /hooks failed: .*?Job\/([a-z0-9-]+)\/([a-z0-9.-]+)/.exec(message);
  return m ? { namespace: m[1]!, name: m[2]!.replace(/[.]$/, '') } : undefined;
}

/** The logs of a failed hook Job's pods, so the error says why the hook failed (its pods stay: no hook-failed policy). */
export async function hookJobLogs(kube: Kube, job: { namespace: string; name: string }): Promise<string> {
  const pods = await kube.listPods(job.namespace, { 'job-name': job.name }).catch(() => []);
  const logs = await Promise.all(pods.map(async (p) => {
    const container = p.spec?.containers[0]?.name ?? '';
    const text = await kube.logs(job.namespace, p.metadata?.name ?? '', container, false).catch((e: Error) => `(no log: ${e.message})`);
    return `--- ${p.metadata?.name} (${p.status?.phase}):\n${text.trim().split('\n').slice(-20).join('\n')}`;
  }));
  return logs.join('\n');
}
