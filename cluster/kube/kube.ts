import { PassThrough, Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import type { CommandRunner } from './plan.ts';

export type WorkloadKind = 'StatefulSet' | 'Deployment';

const selectorString = (s: Record<string, string>) => Object.entries(s).map(([k, v]) => `${k}=${v}`).join(',');
const mergePatch = () => k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export function isNotFound(e: unknown): boolean {
  return e instanceof k8s.ApiException && e.code === 404;
}
function isConflict(e: unknown): boolean {
  return e instanceof k8s.ApiException && e.code === 409;
}

/**
 * The Kubernetes API calls the kind driver makes, each routed through the command runner with the kubectl
 * command that does the same, so a dry run shows them and a real run records them.
 */
export class Kube {
  private kc: k8s.KubeConfig | undefined;

  constructor(private readonly runner: CommandRunner, readonly context: string, private readonly kubeconfig?: string) {}

  /** Loaded on first real call: a dry run needs no kubeconfig. */
  config(): k8s.KubeConfig {
    if (!this.kc) {
      const kc = new k8s.KubeConfig();
      if (this.kubeconfig) kc.loadFromFile(this.kubeconfig);
      else kc.loadFromDefault();
      if (!kc.getContexts().some((c) => c.name === this.context)) {
        throw new Error(`kubeconfig has no context ${this.context}: create the cluster with \`kind create cluster\` or set KUBECONFIG`);
      }
      kc.setCurrentContext(this.context);
      this.kc = kc;
    }
    return this.kc;
  }

  private get core() { return this.config().makeApiClient(k8s.CoreV1Api); }
  private get apps() { return this.config().makeApiClient(k8s.AppsV1Api); }
  private get batch() { return this.config().makeApiClient(k8s.BatchV1Api); }
  private get net() { return this.config().makeApiClient(k8s.NetworkingV1Api); }

  private call<T>(kubectl: string[], fn: () => Promise<T>, dryRunValue: T): Promise<T> {
    return this.runner.api(['--context', this.context, ...kubectl], fn, dryRunValue);
  }

  createNamespace(name: string, labels: Record<string, string>): Promise<void> {
    return this.call(['create', 'namespace', name], async () => {
      try {
        await this.core.createNamespace({ body: { metadata: { name, labels } } });
      } catch (e) {
        if (!isConflict(e)) throw e;
      }
    }, undefined);
  }

  deleteNamespace(name: string): Promise<void> {
    return this.call(['delete', 'namespace', name, '--wait=false'], async () => {
      try {
        await this.core.deleteNamespace({ name });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }, undefined);
  }

  listPods(namespace: string, selector: Record<string, string> = {}): Promise<k8s.V1Pod[]> {
    const labelSelector = selectorString(selector);
    return this.call(['get', 'pods', '-n', namespace, ...(labelSelector ? ['-l', labelSelector] : []), '-o', 'json'],
      async () => (await this.core.listNamespacedPod({ namespace, labelSelector })).items, []);
  }

  readPod(namespace: string, name: string): Promise<k8s.V1Pod | undefined> {
    return this.call(['get', 'pod', name, '-n', namespace, '-o', 'json'], async () => {
      try {
        return await this.core.readNamespacedPod({ name, namespace });
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    }, undefined);
  }

  createPod(namespace: string, pod: k8s.V1Pod): Promise<void> {
    return this.call(['create', '-n', namespace, '-f', `pod/${pod.metadata?.name ?? ''}`], async () => {
      await this.core.createNamespacedPod({ namespace, body: pod });
    }, undefined);
  }

  /** graceful: the pod's own grace period (preStop, SIGTERM). Otherwise grace 0 and force: SIGKILL at once. */
  deletePod(namespace: string, name: string, graceful: boolean): Promise<void> {
    const kubectl = ['delete', 'pod', name, '-n', namespace, '--wait=false', ...(graceful ? [] : ['--grace-period=0', '--force'])];
    return this.call(kubectl, async () => {
      await this.core.deleteNamespacedPod({ name, namespace, ...(graceful ? {} : { gracePeriodSeconds: 0 }) });
    }, undefined);
  }

  /**
   * An eviction through the eviction API, which honours PodDisruptionBudgets: 'refused' when a budget does not allow
   * it now (HTTP 429), as `kubectl drain` sees it.
   */
  evictPod(namespace: string, name: string): Promise<'evicted' | 'refused'> {
    return this.call(['drain', '--pod-selector', `metadata.name=${name}`, '-n', namespace], async () => {
      try {
        await this.core.createNamespacedPodEviction({ name, namespace, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } } });
        return 'evicted' as const;
      } catch (e) {
        if ((e as { code?: number }).code === 429) return 'refused' as const;
        throw e;
      }
    }, 'evicted' as const);
  }

  /** Cordon (true) or uncordon (false) a node. */
  setUnschedulable(node: string, unschedulable: boolean): Promise<void> {
    return this.call([unschedulable ? 'cordon' : 'uncordon', node], async () => {
      await this.core.patchNode({ name: node, body: { spec: { unschedulable } } }, mergePatch());
    }, undefined);
  }

  listPodsOnNode(namespace: string, node: string): Promise<k8s.V1Pod[]> {
    return this.call(['get', 'pods', '-n', namespace, '--field-selector', `spec.nodeName=${node}`, '-o', 'json'],
      async () => (await this.core.listNamespacedPod({ namespace, fieldSelector: `spec.nodeName=${node}` })).items, []);
  }

  labelPod(namespace: string, name: string, labels: Record<string, string | null>): Promise<void> {
    const args = Object.entries(labels).map(([k, v]) => (v === null ? `${k}-` : `${k}=${v}`));
    return this.call(['label', 'pod', name, '-n', namespace, '--overwrite', ...args], async () => {
      await this.core.patchNamespacedPod({ name, namespace, body: { metadata: { labels } } }, mergePatch());
    }, undefined);
  }

  readSecret(namespace: string, name: string): Promise<k8s.V1Secret> {
    return this.call(['get', 'secret', name, '-n', namespace, '-o', 'json'],
      () => this.core.readNamespacedSecret({ name, namespace }), { data: {} });
  }

  /** Create the Secret, or replace its data and type when it exists. */
  applySecret(namespace: string, secret: k8s.V1Secret): Promise<void> {
    const name = secret.metadata?.name ?? '';
    return this.call(['apply', '-n', namespace, '-f', `secret/${name}`], async () => {
      try {
        await this.core.createNamespacedSecret({ namespace, body: secret });
      } catch (e) {
        if (!isConflict(e)) throw e;
        await this.core.replaceNamespacedSecret({ name, namespace, body: secret });
      }
    }, undefined);
  }

  deleteSecret(namespace: string, name: string): Promise<void> {
    return this.call(['delete', 'secret', name, '-n', namespace, '--ignore-not-found'], async () => {
      try {
        await this.core.deleteNamespacedSecret({ name, namespace });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }, undefined);
  }

  listConfigMaps(namespace: string): Promise<k8s.V1ConfigMap[]> {
    return this.call(['get', 'configmaps', '-n', namespace, '-o', 'json'],
      async () => (await this.core.listNamespacedConfigMap({ namespace })).items, []);
  }

  listClaims(namespace: string): Promise<k8s.V1PersistentVolumeClaim[]> {
    return this.call(['get', 'pvc', '-n', namespace, '-o', 'json'],
      async () => (await this.core.listNamespacedPersistentVolumeClaim({ namespace })).items, []);
  }

  deleteClaim(namespace: string, name: string): Promise<void> {
    return this.call(['delete', 'pvc', name, '-n', namespace, '--ignore-not-found', '--wait=false'], async () => {
      try {
        await this.core.deleteNamespacedPersistentVolumeClaim({ name, namespace });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }, undefined);
  }

  readService(namespace: string, name: string): Promise<k8s.V1Service> {
    return this.call(['get', 'service', name, '-n', namespace, '-o', 'json'],
      () => this.core.readNamespacedService({ name, namespace }), { spec: { selector: {} } });
  }

  readWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<k8s.V1StatefulSet | k8s.V1Deployment> {
    return this.call(['get', kind.toLowerCase(), name, '-n', namespace, '-o', 'json'],
      () => (kind === 'StatefulSet' ? this.apps.readNamespacedStatefulSet({ name, namespace }) : this.apps.readNamespacedDeployment({ name, namespace })),
      {});
  }

  /** What `kubectl rollout restart` does: a new restartedAt annotation on the pod template. */
  restartWorkload(kind: WorkloadKind, namespace: string, name: string, at: string): Promise<void> {
    const body = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } } };
    return this.call(['rollout', 'restart', `${kind.toLowerCase()}/${name}`, '-n', namespace], async () => {
      if (kind === 'StatefulSet') await this.apps.patchNamespacedStatefulSet({ name, namespace, body }, mergePatch());
      else await this.apps.patchNamespacedDeployment({ name, namespace, body }, mergePatch());
    }, undefined);
  }

  readCronJob(namespace: string, name: string): Promise<k8s.V1CronJob> {
    return this.call(['get', 'cronjob', name, '-n', namespace, '-o', 'json'],
      () => this.batch.readNamespacedCronJob({ name, namespace }), { spec: { schedule: '', jobTemplate: {} } });
  }

  createJob(namespace: string, job: k8s.V1Job, fromCronJob: string): Promise<void> {
    return this.call(['create', 'job', job.metadata?.name ?? '', `--from=cronjob/${fromCronJob}`, '-n', namespace], async () => {
      await this.batch.createNamespacedJob({ namespace, body: job });
    }, undefined);
  }

  readJob(namespace: string, name: string): Promise<k8s.V1Job> {
    return this.call(['get', 'job', name, '-n', namespace, '-o', 'json'],
      () => this.batch.readNamespacedJob({ name, namespace }), { status: { succeeded: 1 } });
  }

  listNetworkPolicies(namespace: string): Promise<k8s.V1NetworkPolicy[]> {
    return this.call(['get', 'networkpolicy', '-n', namespace, '-o', 'json'],
      async () => (await this.net.listNamespacedNetworkPolicy({ namespace })).items, []);
  }

  createNetworkPolicy(namespace: string, policy: k8s.V1NetworkPolicy): Promise<void> {
    return this.call(['apply', '-n', namespace, '-f', `networkpolicy/${policy.metadata?.name ?? ''}`], async () => {
      try {
        await this.net.createNamespacedNetworkPolicy({ namespace, body: policy });
      } catch (e) {
        if (!isConflict(e)) throw e;
      }
    }, undefined);
  }

  patchNetworkPolicySelector(namespace: string, name: string, podSelector: k8s.V1LabelSelector): Promise<void> {
    return this.call(['patch', 'networkpolicy', name, '-n', namespace, '--type=merge', '-p', JSON.stringify({ spec: { podSelector } })], async () => {
      await this.net.patchNamespacedNetworkPolicy({ name, namespace, body: { spec: { podSelector } } }, mergePatch());
    }, undefined);
  }

  deleteNetworkPolicy(namespace: string, name: string): Promise<void> {
    return this.call(['delete', 'networkpolicy', name, '-n', namespace, '--ignore-not-found'], async () => {
      try {
        await this.net.deleteNamespacedNetworkPolicy({ name, namespace });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }, undefined);
  }

  logs(namespace: string, pod: string, container: string, previous: boolean): Promise<string> {
    return this.call(['logs', pod, '-c', container, '-n', namespace, ...(previous ? ['--previous'] : [])], async () => {
      let text = '';
      const sink = new Writable({ write(chunk: Buffer, _enc, cb) { text += chunk.toString(); cb(); } });
      // client-node pipes the response into the sink and never calls a done callback: the sink's end is the end.
      await new Promise<void>((resolve, reject) => {
        sink.once('finish', resolve).once('error', reject);
        new k8s.Log(this.config()).log(namespace, pod, container, sink, { previous, follow: false }).catch(reject);
      });
      return text;
    }, '');
  }

  exec(namespace: string, pod: string, container: string, argv: string[], stdin: string | undefined, timeoutMs: number): Promise<{ stdout: string; stderr: string; code: number }> {
    const kubectl = ['exec', ...(stdin === undefined ? [] : ['-i']), pod, '-c', container, '-n', namespace, '--', ...argv];
    return this.call(kubectl, () => execInPod(this.config(), namespace, pod, container, argv, stdin, timeoutMs), { stdout: '', stderr: '', code: 0 });
  }
}

function execInPod(kc: k8s.KubeConfig, namespace: string, pod: string, container: string, argv: string[], stdin: string | undefined, timeoutMs: number) {
  return new Promise<{ stdout: string; stderr: string; code: number }>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const out = new Writable({ write(c: Buffer, _e, cb) { stdout += c.toString(); cb(); } });
    const err = new Writable({ write(c: Buffer, _e, cb) { stderr += c.toString(); cb(); } });
    const input = stdin === undefined ? null : new PassThrough();
    const timer = setTimeout(() => reject(new Error(`exec in ${pod}/${container} timed out after ${timeoutMs} ms: ${argv.join(' ')}`)), timeoutMs);
    new k8s.Exec(kc)
      .exec(namespace, pod, container, argv, out, err, input, false, (status) => {
        clearTimeout(timer);
        resolve({ stdout, stderr, code: exitCode(status) });
      })
      .then(() => input?.end(stdin))
      .catch((e: unknown) => {
        clearTimeout(timer);
        reject(e);
      });
  });
}

/** The exit code the API server reports: Success, or NonZeroExitCode with an ExitCode cause. */
function exitCode(status: k8s.V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  return cause?.message ? Number(cause.message) : 1;
}
