import type { DeletePodOptions, Endpoint, ExecResult, InstallOptions, JobRun, PodDone, PodInfo, Release } from '../types.ts';
import { DeploymentController, runJob, StatefulSetController, waitPodReady, type Controller, type ControllerHost } from './controllers.ts';
import { podFqdn } from './dns.ts';
import type { ObjectLookup } from './env.ts';
import { SandboxWorkloadError } from './errors.ts';
import type { ImageCatalog } from './images.ts';
import type { K8sObject, PodTemplate } from './k8s-types.ts';
import { matchesSelector, type ReleaseObjects } from './manifests.ts';
import { Pod, type PodDefinition } from './pod.ts';

/** What a release needs from the cluster that hosts it. */
export interface ClusterRuntime {
  readonly images: ImageCatalog;
  readonly lookup: ObjectLookup;
  createPod(def: PodDefinition, onDeleted: () => void): Pod;
  putConfig(o: K8sObject): void;
  deleteConfig(o: K8sObject): void;
  addService(o: K8sObject, release: SandboxRelease): Promise<void>;
  removeService(o: K8sObject): Promise<void>;
  serviceEndpoint(namespace: string, name: string, port: number): Endpoint;
  /** ioredis natMap entries for the Services of a namespace. */
  serviceNames(namespace: string, port: number): Record<string, Endpoint>;
  deleteClaims(namespace: string, claims: string[]): Promise<void>;
  forgetRelease(r: SandboxRelease): void;
  /** Resolves on the next pod state change anywhere in the cluster. */
  nextChange(timeoutMs: number): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 300_000;

export class SandboxRelease implements Release, ControllerHost {
  readonly manifests: ReadonlyArray<Record<string, any>>;
  private readonly controllers: Controller[] = [];
  private readonly ownPods = new Set<Pod>();
  private readonly backgroundJobs: Promise<unknown>[] = [];
  private uninstalled = false;

  constructor(
    private readonly cluster: ClusterRuntime,
    readonly name: string,
    readonly namespace: string,
    private readonly objects: ReleaseObjects,
  ) {
    this.manifests = objects.all;
  }

  // ---- ControllerHost ----

  spawnPod(def: PodDefinition): Pod {
    const pod = this.cluster.createPod(def, () => this.ownPods.delete(pod));
    this.ownPods.add(pod);
    return pod;
  }

  podObjects(): Pod[] {
    return [...this.ownPods].filter((p) => !p.deleted);
  }

  async pods(selector?: Record<string, string>): Promise<PodInfo[]> {
    return this.podObjects()
      .filter((p) => matchesSelector(p.def.labels, selector))
      .map((p) => p.info());
  }

  // ---- install ----

  private workloads(): { obj: K8sObject; template: PodTemplate; podName: string }[] {
    const o = this.objects;
    return [
      ...o.statefulSets.map((s) => ({ obj: s, template: s.spec.template, podName: `${s.metadata.name}-0` })),
      ...o.deployments.map((d) => ({ obj: d, template: d.spec.template, podName: `${d.metadata.name}-<hash>-<id>` })),
      ...[...o.jobs, ...o.hooks['pre-install'], ...o.hooks['post-install']]
        .filter((j) => j.kind === 'Job')
        .map((j) => ({ obj: j, template: j.spec.template, podName: `${j.metadata.name}-<id>` })),
      ...o.cronJobs.map((c) => ({ obj: c, template: c.spec.jobTemplate.spec.template, podName: `${c.metadata.name}-<time>-<id>` })),
    ];
  }

  async install(opts: InstallOptions): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    for (const w of this.workloads()) {
      Pod.validate(
        { name: w.podName, namespace: this.namespace, labels: {}, annotations: {}, spec: w.template.spec, owner: undefined },
        this.cluster.images,
      );
    }
    const hookObjects = [...this.objects.hooks['pre-install'], ...this.objects.hooks['post-install']];
    for (const o of [...this.objects.configMaps, ...this.objects.secrets, ...hookObjects]) {
      if (o.kind === 'ConfigMap' || o.kind === 'Secret') this.cluster.putConfig(o);
    }
    for (const s of this.objects.services) await this.cluster.addService(s, this);
    await this.runHooks('pre-install', timeoutMs);
    for (const s of this.objects.statefulSets) this.controllers.push(new StatefulSetController(s, this));
    for (const d of this.objects.deployments) this.controllers.push(new DeploymentController(d, this));
    this.reconcile();
    for (const j of this.objects.jobs) {
      this.backgroundJobs.push(runJob(this, { name: j.metadata.name, namespace: this.namespace, spec: j.spec }, timeoutMs).catch(() => undefined));
    }
    if (opts.wait !== false) {
      await this.waitReady({ timeoutMs });
      await this.runHooks('post-install', timeoutMs);
    } else {
      void this.runHooks('post-install', timeoutMs).catch(() => undefined);
    }
  }

  private async runHooks(phase: 'pre-install' | 'post-install', timeoutMs: number): Promise<void> {
    const weight = (o: K8sObject) => Number(o.metadata.annotations?.['helm.sh/hook-weight'] ?? 0);
    const jobs = this.objects.hooks[phase].filter((o) => o.kind === 'Job').sort((a, b) => weight(a) - weight(b));
    for (const j of jobs) {
      const r = await runJob(this, { name: j.metadata.name, namespace: this.namespace, spec: j.spec }, timeoutMs);
      if (!r.succeeded) throw new SandboxWorkloadError(`${phase} hook Job ${j.metadata.name} failed:\n${r.logs}`);
    }
  }

  reconcile(): void {
    if (this.uninstalled) return;
    for (const c of this.controllers) c.reconcile();
  }

  // ---- Release API ----

  private pod(name: string): Pod {
    const p = this.podObjects().find((x) => x.name === name && !x.deleting) ?? this.podObjects().find((x) => x.name === name);
    if (!p) {
      throw new SandboxWorkloadError(
        `release ${this.name} has no pod ${name} (pods: ${this.podObjects().map((x) => x.name).join(', ') || 'none'})`,
      );
    }
    return p;
  }

  private controller(kind: string, name: string): Controller {
    const c = this.controllers.find((x) => x.kind === kind && x.name === name);
    if (!c) throw new SandboxWorkloadError(`release ${this.name} has no ${kind} ${name}`);
    return c;
  }

  async waitReady(opts: { selector?: Record<string, string>; timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const problems = (): { missing: string[]; notReady: Pod[] } => {
      const missing: string[] = [];
      const notReady: Pod[] = [];
      for (const c of this.controllers) {
        const pods = c.ownedPods().filter((p) => !p.deleting);
        const relevant = pods.filter((p) => matchesSelector(p.def.labels, opts.selector));
        if (opts.selector && relevant.length === 0 && pods.length > 0) continue;
        if (pods.length < c.replicas) missing.push(`${c.kind} ${c.name}: ${pods.length}/${c.replicas} pods exist`);
        notReady.push(...relevant.filter((p) => !p.ready));
      }
      return { missing, notReady };
    };
    for (;;) {
      const { missing, notReady } = problems();
      if (missing.length === 0 && notReady.length === 0) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        const details = await Promise.all(notReady.map((p) => p.describe()));
        throw new SandboxWorkloadError(
          [
            `release ${this.name} (namespace ${this.namespace}) is not ready after ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`,
            ...missing.map((m) => `  ${m}`),
            ...(notReady.length ? [`  not ready: ${notReady.map((p) => p.name).join(', ')}`] : []),
            ...details,
          ].join('\n'),
        );
      }
      await this.cluster.nextChange(Math.min(left, 1000));
    }
  }

  async waitPodReady(name: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let pod: Pod | undefined;
    while (!(pod = this.podObjects().find((p) => p.name === name && !p.deleting))) {
      if (Date.now() > deadline) throw new SandboxWorkloadError(`pod ${name} does not exist after ${timeoutMs} ms`);
      await this.cluster.nextChange(Math.max(1, Math.min(deadline - Date.now(), 1000)));
    }
    await waitPodReady(pod, deadline, () => `pod ${name} is not ready after ${timeoutMs} ms`);
  }

  async deletePod(name: string, opts: DeletePodOptions): Promise<void> {
    const pod = this.pod(name);
    const owner = pod.def.owner;
    if (opts.holdDownMs && owner?.kind === 'StatefulSet') {
      const controller = this.controller('StatefulSet', owner.name);
      if (controller instanceof StatefulSetController) controller.holdDown(name, opts.holdDownMs);
    }
    await pod.delete(opts.graceful);
    this.reconcile();
    if (!opts.wait) return;
    if (owner?.kind === 'StatefulSet') await this.waitPodReady(name);
    else if (owner?.kind === 'Deployment') await this.waitReady({ selector: pod.def.labels['pod-template-hash'] ? { 'pod-template-hash': pod.def.labels['pod-template-hash'] } : undefined });
  }

  async rolloutRestart(kind: 'StatefulSet' | 'Deployment', name: string, opts: { timeoutMs?: number } = {}): Promise<void> {
    await this.controller(kind, name).rolloutRestart(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  exec(pod: string, container: string, argv: string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<ExecResult> {
    return this.pod(pod).exec(container, argv, opts);
  }

  logs(pod: string, container?: string, opts: { previous?: boolean } = {}): Promise<string> {
    return this.pod(pod).logs(container, opts.previous === true);
  }

  async endpoint(target: { pod: string } | { service: string }, port: number): Promise<Endpoint> {
    if ('pod' in target) {
      const p = this.pod(target.pod);
      if (!p.ip) throw new SandboxWorkloadError(`pod ${target.pod} has no IP yet`);
      return { host: p.ip, port };
    }
    return this.cluster.serviceEndpoint(this.namespace, target.service, port);
  }

  async natMap(port: number): Promise<Record<string, Endpoint>> {
    const map: Record<string, Endpoint> = {};
    for (const p of this.podObjects()) {
      if (!p.ip || p.deleting) continue;
      const to = { host: p.ip, port };
      map[`${p.ip}:${port}`] = to;
      map[`${p.name}:${port}`] = to;
      const fqdn = podFqdn({ name: p.name, namespace: p.namespace, ip: p.ip, hostname: p.hostname, subdomain: p.subdomain });
      if (fqdn) {
        const short = `${p.hostname}.${p.subdomain}`;
        for (const n of [short, `${short}.${p.namespace}`, `${short}.${p.namespace}.svc`, fqdn]) map[`${n}:${port}`] = to;
      }
    }
    for (const [name, ep] of Object.entries(this.cluster.serviceNames(this.namespace, port))) map[name] = ep;
    return map;
  }

  async cutNetwork(pod: string): Promise<void> {
    const p = this.pod(pod);
    if (!p.network) throw new SandboxWorkloadError(`pod ${pod} has no network yet`);
    await p.network.cut();
  }

  async healNetwork(pod: string): Promise<void> {
    const p = this.pod(pod);
    if (!p.network) throw new SandboxWorkloadError(`pod ${pod} has no network yet`);
    await p.network.heal();
  }

  async runCronJob(name: string, opts: { timeoutMs?: number } = {}): Promise<JobRun> {
    const cj = this.objects.cronJobs.find((c) => c.metadata.name === name);
    if (!cj) {
      throw new SandboxWorkloadError(`release ${this.name} has no CronJob ${name} (has: ${this.objects.cronJobs.map((c) => c.metadata.name).join(', ') || 'none'})`);
    }
    const jobName = `${name}-${Math.floor(Date.now() / 60_000)}`;
    return runJob(this, { name: jobName, namespace: this.namespace, spec: cj.spec.jobTemplate.spec }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  async secret(name: string): Promise<Record<string, string>> {
    const s = this.cluster.lookup.secret(this.namespace, name);
    if (!s) throw new SandboxWorkloadError(`no Secret ${name} in namespace ${this.namespace}`);
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.toString('utf8')]));
  }

  // Application pods run only on real clusters: the sandbox runs the chart's own workloads, not arbitrary images.
  async createPod(): Promise<void> {
    throw new SandboxWorkloadError('createPod is not supported by the sandbox driver: run application pods on a real cluster (KubeCluster)');
  }

  async waitPodDone(): Promise<PodDone> {
    throw new SandboxWorkloadError('waitPodDone is not supported by the sandbox driver: run application pods on a real cluster (KubeCluster)');
  }

  /** Claims owned by this release: StatefulSet claim templates and standalone PVCs without resource-policy keep. */
  claims(): string[] {
    const sts = this.objects.statefulSets.flatMap((s) => new StatefulSetController(s, this).claimNames());
    const standalone = this.objects.persistentVolumeClaims
      .filter((p) => p.metadata.annotations?.['helm.sh/resource-policy'] !== 'keep')
      .map((p) => p.metadata.name);
    return [...sts, ...standalone];
  }

  async uninstall(opts: { keepVolumes?: boolean } = {}): Promise<void> {
    if (this.uninstalled) return;
    this.uninstalled = true;
    for (const c of this.controllers) c.stop();
    await Promise.all(this.podObjects().map((p) => p.delete(true)));
    await Promise.all(this.backgroundJobs);
    await Promise.all(this.podObjects().map((p) => p.delete(false)));
    for (const s of this.objects.services) await this.cluster.removeService(s);
    for (const o of [...this.objects.configMaps, ...this.objects.secrets]) this.cluster.deleteConfig(o);
    if (!opts.keepVolumes) await this.cluster.deleteClaims(this.namespace, this.claims());
    this.cluster.forgetRelease(this);
  }

  /** Fast teardown for destroy(): no grace periods. */
  async kill(): Promise<void> {
    this.uninstalled = true;
    for (const c of this.controllers) c.stop();
    await Promise.all(this.podObjects().map((p) => p.delete(false)));
    await Promise.all(this.backgroundJobs);
    for (const s of this.objects.services) await this.cluster.removeService(s);
    this.cluster.forgetRelease(this);
  }
}
