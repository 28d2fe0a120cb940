import { createHash } from 'node:crypto';
import type { JobRun } from '../types.ts';
import { SandboxWorkloadError } from './errors.ts';
import type { K8sObject, PodSpec, PodTemplate } from './k8s-types.ts';
import { randomSuffix, type Pod, type PodDefinition } from './pod.ts';

/** What controllers need from the cluster. */
export interface ControllerHost {
  spawnPod(def: PodDefinition): Pod;
  podObjects(): Pod[];
}

export interface Controller {
  readonly kind: 'StatefulSet' | 'Deployment';
  readonly name: string;
  readonly namespace: string;
  readonly replicas: number;
  reconcile(): void;
  ownedPods(): Pod[];
  rolloutRestart(timeoutMs: number): Promise<void>;
  stop(): void;
}

function templateOf(o: K8sObject): PodTemplate {
  return o.spec.template as PodTemplate;
}

function cloneSpec(spec: PodSpec): PodSpec {
  return structuredClone(spec);
}

export async function waitPodReady(pod: Pod, deadline: number, what: () => string): Promise<void> {
  while (!pod.ready) {
    if (pod.deleted) throw new SandboxWorkloadError(`pod ${pod.name} was deleted while waiting for it to become ready`);
    const left = deadline - Date.now();
    if (left <= 0) throw new SandboxWorkloadError(`${what()}\n${await pod.describe()}`);
    await pod.nextChange(Math.min(left, 1000));
  }
}

/** What every workload controller reads from its object. */
abstract class WorkloadController {
  constructor(protected readonly obj: K8sObject, protected readonly host: ControllerHost) {}

  get name(): string {
    return this.obj.metadata.name;
  }

  get namespace(): string {
    return this.obj.metadata.namespace!;
  }

  get replicas(): number {
    return this.obj.spec.replicas ?? 1;
  }
}

export class StatefulSetController extends WorkloadController implements Controller {
  readonly kind = 'StatefulSet';
  private stopped = false;
  private restartedAt: string | undefined;



  get parallel(): boolean {
    return this.obj.spec.podManagementPolicy === 'Parallel';
  }

  podName(ordinal: number): string {
    return `${this.name}-${ordinal}`;
  }

  ownedPods(): Pod[] {
    return this.host
      .podObjects()
      .filter((p) => p.def.owner?.kind === 'StatefulSet' && p.def.owner.name === this.name && p.namespace === this.namespace && !p.deleted);
  }

  definition(ordinal: number): PodDefinition {
    const t = templateOf(this.obj);
    const name = this.podName(ordinal);
    const spec = cloneSpec(t.spec);
    spec.hostname = name;
    if (this.obj.spec.serviceName) spec.subdomain = this.obj.spec.serviceName;
    // volumeClaimTemplates become per-pod claims named <claim>-<sts>-<ordinal> (kept across pod re-creation).
    const claims = (this.obj.spec.volumeClaimTemplates ?? []) as K8sObject[];
    spec.volumes = [...(spec.volumes ?? []).filter((v) => !claims.some((c) => c.metadata.name === v.name))];
    for (const c of claims) {
      spec.volumes.push({ name: c.metadata.name, persistentVolumeClaim: { claimName: `${c.metadata.name}-${name}` } });
    }
    return {
      name,
      namespace: this.namespace,
      labels: {
        ...(t.metadata?.labels ?? {}),
        'statefulset.kubernetes.io/pod-name': name,
        'apps.kubernetes.io/pod-index': String(ordinal),
      },
      annotations: { ...(t.metadata?.annotations ?? {}), ...(this.restartedAt ? { 'kubectl.kubernetes.io/restartedAt': this.restartedAt } : {}) },
      spec,
      owner: { kind: 'StatefulSet', name: this.name },
    };
  }

  claimNames(): string[] {
    const claims = (this.obj.spec.volumeClaimTemplates ?? []) as K8sObject[];
    return claims.flatMap((c) => Array.from({ length: this.replicas }, (_, i) => `${c.metadata.name}-${this.podName(i)}`));
  }

  private readonly heldUntil = new Map<string, number>();

  /** Do not re-create `podName` for `ms` (a failed node), then reconcile. */
  holdDown(podName: string, ms: number): void {
    this.heldUntil.set(podName, Date.now() + ms);
    setTimeout(() => { this.heldUntil.delete(podName); this.reconcile(); }, ms).unref();
  }

  reconcile(): void {
    if (this.stopped) return;
    const existing = new Map(this.ownedPods().map((p) => [p.name, p]));
    for (let i = 0; i < this.replicas; i++) {
      const pod = existing.get(this.podName(i));
      if (!pod && (this.heldUntil.get(this.podName(i)) ?? 0) > Date.now()) {
        if (!this.parallel) return;
        continue;
      }
      if (!pod) {
        this.host.spawnPod(this.definition(i));
        if (!this.parallel) return;
        continue;
      }
      // A terminating pod is replaced only once it is gone; OrderedReady waits for each pod to be ready.
      if (!this.parallel && (pod.deleting || !pod.ready)) return;
    }
  }

  async rolloutRestart(timeoutMs: number): Promise<void> {
    this.restartedAt = new Date().toISOString();
    const deadline = Date.now() + timeoutMs;
    for (let i = this.replicas - 1; i >= 0; i--) {
      const old = this.ownedPods().find((p) => p.name === this.podName(i));
      if (old) await old.delete(true);
      this.reconcile();
      let pod: Pod | undefined;
      while (!(pod = this.ownedPods().find((p) => p.name === this.podName(i)))) {
        if (Date.now() > deadline) throw new SandboxWorkloadError(`rollout restart of StatefulSet ${this.name}: ${this.podName(i)} was not re-created`);
        await new Promise((r) => setTimeout(r, 20));
        this.reconcile();
      }
      await waitPodReady(pod, deadline, () => `rollout restart of StatefulSet ${this.name}: pod ${pod!.name} did not become ready in time`);
    }
  }

  stop(): void {
    this.stopped = true;
  }
}

/** pod-template-hash: stable for a template, new for a changed one (e.g. by rollout restart). */
function templateHash(t: unknown): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const digest = createHash('sha256').update(JSON.stringify(t)).digest();
  return Array.from(digest.subarray(0, 10), (b) => alphabet[b % alphabet.length]).join('');
}

export class DeploymentController extends WorkloadController implements Controller {
  readonly kind = 'Deployment';
  private stopped = false;
  private rolling = false;
  private template: PodTemplate;

  constructor(obj: K8sObject, host: ControllerHost) {
    super(obj, host);
    this.template = structuredClone(templateOf(obj));
  }


  ownedPods(): Pod[] {
    return this.host
      .podObjects()
      .filter((p) => p.def.owner?.kind === 'Deployment' && p.def.owner.name === this.name && p.namespace === this.namespace && !p.deleted);
  }

  private createOne(): Pod {
    const hash = templateHash(this.template);
    return this.host.spawnPod({
      name: `${this.name}-${hash}-${randomSuffix(5)}`,
      namespace: this.namespace,
      labels: { ...(this.template.metadata?.labels ?? {}), 'pod-template-hash': hash },
      annotations: { ...(this.template.metadata?.annotations ?? {}) },
      spec: cloneSpec(this.template.spec),
      owner: { kind: 'Deployment', name: this.name },
    });
  }

  reconcile(): void {
    if (this.stopped || this.rolling) return;
    const live = this.ownedPods().filter((p) => !p.deleting);
    for (let n = live.length; n < this.replicas; n++) this.createOne();
  }

  /** maxSurge-style: start a new pod, wait until it is ready, then retire an old one. */
  async rolloutRestart(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.rolling = true;
    try {
      this.template = structuredClone(this.template);
      this.template.metadata = {
        ...this.template.metadata,
        annotations: { ...(this.template.metadata?.annotations ?? {}), 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() },
      };
      const old = this.ownedPods().filter((p) => !p.deleting);
      for (const o of old) {
        const pod = this.createOne();
        await waitPodReady(pod, deadline, () => `rollout restart of Deployment ${this.name}: pod ${pod.name} did not become ready in time`);
        await o.delete(true);
      }
    } finally {
      this.rolling = false;
    }
    this.reconcile();
  }

  stop(): void {
    this.stopped = true;
  }
}

/** Run a Job to completion: pods are retried up to backoffLimit (restartPolicy Never: new pods; OnFailure: restarts). */
export async function runJob(
  host: ControllerHost,
  job: { name: string; namespace: string; spec: Record<string, any> },
  timeoutMs: number,
): Promise<JobRun> {
  const template = job.spec.template as PodTemplate;
  const backoffLimit: number = job.spec.backoffLimit ?? 6;
  const deadline = Date.now() + Math.min(timeoutMs, (job.spec.activeDeadlineSeconds ?? Infinity) * 1000);
  const logs: string[] = [];
  let failures = 0;
  for (;;) {
    const pod = host.spawnPod({
      name: `${job.name}-${randomSuffix(5)}`,
      namespace: job.namespace,
      labels: { ...(template.metadata?.labels ?? {}), 'job-name': job.name, 'batch.kubernetes.io/job-name': job.name },
      annotations: { ...(template.metadata?.annotations ?? {}) },
      spec: { ...cloneSpec(template.spec), restartPolicy: template.spec.restartPolicy ?? 'Never' },
      owner: { kind: 'Job', name: job.name },
    });
    let timedOut = false;
    while (pod.phase !== 'Succeeded' && pod.phase !== 'Failed' && !pod.setupError) {
      const restarts = pod.info().restarts + pod.initContainers.reduce((n, c) => n + c.restarts, 0);
      if (restarts > backoffLimit) break;
      const left = deadline - Date.now();
      if (left <= 0) {
        timedOut = true;
        break;
      }
      await pod.nextChange(Math.min(left, 1000));
    }
    const succeeded = pod.phase === 'Succeeded';
    for (const c of [...pod.initContainers, ...pod.containers]) {
      const text = (await c.logs.read(true)) + (await c.logs.read());
      if (text) logs.push(text);
    }
    if (pod.setupError) logs.push(`[sandbox] pod ${pod.name} could not start: ${pod.setupError}\n`);
    for (const c of pod.containers) {
      const exit = c.terminated ?? c.lastExit;
      if (!succeeded && exit) logs.push(`[sandbox] pod ${pod.name} container ${c.name} exited with code ${exit.code}\n`);
    }
    if (timedOut) logs.push(`[sandbox] job ${job.name} timed out\n`);
    await pod.delete(false);
    if (succeeded) return { jobName: job.name, succeeded: true, logs: logs.join('') };
    failures++;
    if (timedOut || pod.setupError || failures > backoffLimit || pod.restartPolicy === 'OnFailure') {
      return { jobName: job.name, succeeded: false, logs: logs.join('') };
    }
  }
}
