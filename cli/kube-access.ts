import { clusterBinaries } from '../cluster/local/tools.ts';
import { LOG_LINES } from '../cluster/pod-start-failure.ts';
import type { PodSource } from '../cluster/pod-start-watch.ts';
import { requireCommand } from '../toolchain/tools.ts';
import { run } from '../toolchain/run.ts';
import type { Target } from './target.ts';

type KubeTarget = Exclude<Target, { kind: 'new-local' }>;

/** The flags that point helm at a target. */
export function helmTargetArgs(target: KubeTarget): string[] {
  return target.kind === 'local' ? ['--kubeconfig', target.kubeconfig, '--kube-context', target.context] : ['--kube-context', target.context];
}

/** kubectl against a target: the local cluster's own client, or the user's kubectl with their context. */
export function kubectlFor(target: KubeTarget): (args: string[]) => Promise<string> {
  const [cmd, base] = target.kind === 'local'
    ? [clusterBinaries().kube, ['kubectl', '--kubeconfig', target.kubeconfig, '--context', target.context]]
    : [requireCommand('kubectl', 'kubectl'), ['--context', target.context]];
  return async (args) => {
    const r = await run(cmd, [...base, ...args]);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout;
  };
}

/** A release's pods and logs as kubectl reports them, for the pod start watcher. */
export function kubectlPodSource(kubectl: (args: string[]) => Promise<string>, release: string, namespace: string): PodSource {
  return {
    listPods: async () => JSON.parse(await kubectl(['get', 'pods', '-n', namespace, '-l', `app.kubernetes.io/instance=${release}`, '-o', 'json'])).items,
    logs: (pod, container, previous) =>
      kubectl(['logs', pod, '-c', container, '-n', namespace, '--tail', String(LOG_LINES), ...(previous ? ['--previous'] : [])]),
  };
}
