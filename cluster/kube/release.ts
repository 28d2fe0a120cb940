import type * as k8s from '@kubernetes/client-node';
import type { ClaimSize, ContainerSpec, DeletePodOptions, Endpoint, ExecResult, JobRun, PodDone, PodInfo, PodPhase, Release, SecretSpec, UninstallOptions } from '../driver.ts';
import { secretManifest } from './secret-manifest.ts';
import type { Kube, WorkloadKind } from './kube.ts';
import { NetworkCuts } from './network-cut.ts';
import type { CommandRunner } from './plan.ts';
import { isReady, isTerminating, podInfo, rolledOut } from './pods.ts';
import { PortForwards, type ForwardTarget } from './port-forward.ts';

type Manifest = Record<string, any>;

export interface KubeReleaseDeps {
  runner: CommandRunner;
  kube: Kube;
  /** Runs `helm uninstall` for this release, waiting for its objects to be gone unless told not to. */
  helmUninstall: (wait: boolean) => Promise<void>;
  clusterDomain: string;
  defaultTimeoutMs: number;
  /** Pod and Service addresses are reachable from this machine: endpoints are the addresses themselves. */
  directAccess: boolean;
  /** Fails and restores a whole node (the local cluster can); a held-down deletion then becomes a node failure. */
  nodeFaults?: NodeFaults;
}

export interface NodeFaults {
  failNode(node: string): Promise<void>;
  restoreNode(node: string): Promise<void>;
  /** SIGKILL a container's task through the node's container runtime (the id without its `containerd://`). */
  killContainer(node: string, containerId: string): Promise<void>;
  /** Drop every packet to and from a pod address on its node, established connections included; and undo it. */
  cutPodAddress(node: string, ip: string): Promise<void>;
  healPodAddress(node: string, ip: string): Promise<void>;
}

const byKind = (manifests: readonly Manifest[], kind: string) => manifests.filter((m) => m['kind'] === kind);

/** A Helm release on a real cluster, driven through client-node; every call goes through the command runner. */
export class KubeRelease implements Release {
  private readonly forwards: PortForwards;
  private readonly cuts: NetworkCuts;

  constructor(
    readonly name: string,
    readonly namespace: string,
    readonly manifests: ReadonlyArray<Manifest>,
    private readonly d: KubeReleaseDeps,
  ) {
    this.forwards = new PortForwards(d.runner, d.kube.context, () => d.kube.config());
    this.cuts = new NetworkCuts(d.kube, d.runner, namespace);
  }

  private get kube() { return this.d.kube; }
  private timeout(ms: number | undefined) { return ms ?? this.d.defaultTimeoutMs; }

  private async livePods(selector: Record<string, string> = {}): Promise<k8s.V1Pod[]> {
    const pods = await this.kube.listPods(this.namespace, { 'app.kubernetes.io/instance': this.name, ...selector });
    return pods.filter((p) => !isTerminating(p));
  }

  async pods(selector?: Record<string, string>): Promise<PodInfo[]> {
    return (await this.livePods(selector)).map(podInfo);
  }

  async waitReady(opts: { selector?: Record<string, string>; timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = this.timeout(opts.timeoutMs);
    if (opts.selector) {
      const selector = opts.selector;
      await this.d.runner.wait(`pods ${JSON.stringify(selector)} to be ready`, async () => {
        const pods = (await this.livePods(selector)).filter((p) => podInfo(p).owner?.kind !== 'Job');
        return pods.length > 0 && pods.every(isReady);
      }, { timeoutMs });
      return;
    }
    for (const kind of ['StatefulSet', 'Deployment'] as const) {
      for (const m of byKind(this.manifests, kind)) await this.waitRolledOut(kind, m['metadata'].name, timeoutMs);
    }
  }

  async waitPodReady(pod: string, timeoutMs?: number): Promise<void> {
    await this.d.runner.wait(`pod ${pod} to be ready`, async () => {
      const p = await this.kube.readPod(this.namespace, pod);
      return p !== undefined && isReady(p);
    }, { timeoutMs: this.timeout(timeoutMs) });
  }

  async deletePod(pod: string, opts: DeletePodOptions): Promise<void> {
    const before = await this.kube.readPod(this.namespace, pod);
    const node = before?.spec?.nodeName;
    if (opts.holdDownMs && this.d.nodeFaults && node) {
      // What a held-down deletion stands for, done for real: the pod's node fails for that long, then returns.
      const faults = this.d.nodeFaults;
      await faults.failNode(node);
      const restore = setTimeout(() => void faults.restoreNode(node), opts.holdDownMs);
      this.pendingRestores.set(restore, () => faults.restoreNode(node));
      setTimeout(() => this.pendingRestores.delete(restore), opts.holdDownMs + 1000).unref();
      return;
    }
    await this.kube.deletePod(this.namespace, pod, opts.graceful);
    if (opts.wait === false) return;
    const uid = before?.metadata?.uid;
    await this.d.runner.wait(`the old pod ${pod} to be gone`, async () => {
      const now = await this.kube.readPod(this.namespace, pod);
      return now === undefined || now.metadata?.uid !== uid;
    }, { timeoutMs: this.d.defaultTimeoutMs });
    if (opts.wait === true) await this.waitPodReady(pod);
  }

  async crashContainer(pod: string, container: string): Promise<void> {
    const p = await this.kube.readPod(this.namespace, pod);
    const status = p?.status?.containerStatuses?.find((c) => c.name === container);
    const id = status?.containerID?.replace(/^[a-z]+:\/\//, '');
    if (!p?.spec?.nodeName || !id) throw new Error(`pod ${pod} has no running container ${container}`);
    if (!this.d.nodeFaults) throw new Error('this cluster offers no runtime faults (only the local cluster does)');
    await this.d.nodeFaults.killContainer(p.spec.nodeName, id);
  }

  async drainNode(node: string, opts: { timeoutMs?: number } = {}): Promise<string[]> {
    await this.kube.setUnschedulable(node, true);
    this.cordoned.add(node);
    const pods = (await this.kube.listPodsOnNode(this.namespace, node)).filter((p) => !isTerminating(p) && podInfo(p).owner?.kind !== 'Job');
    const evicted: string[] = [];
    for (const p of pods) {
      const name = p.metadata!.name!;
      // A budget may refuse for a while (another pod of the set is not ready yet): retry, bounded, as kubectl drain.
      await this.d.runner.wait(`the eviction of ${name}`, async () => (await this.kube.evictPod(this.namespace, name)) === 'evicted',
        { timeoutMs: this.timeout(opts.timeoutMs), intervalMs: 1000 });
      evicted.push(name);
    }
    return evicted;
  }

  async uncordonNode(node: string): Promise<void> {
    await this.kube.setUnschedulable(node, false);
    this.cordoned.delete(node);
  }

  evictPod(pod: string): Promise<'evicted' | 'refused'> {
    return this.kube.evictPod(this.namespace, pod);
  }

  /** Nodes this release's drains cordoned; uninstall uncordons them. */
  private readonly cordoned = new Set<string>();

  async createPod(manifest: Manifest): Promise<void> {
    await this.kube.createPod(this.namespace, { ...manifest, metadata: { ...manifest['metadata'], namespace: this.namespace } });
  }

  async waitPodDone(name: string, timeoutMs?: number): Promise<PodDone> {
    let phase: PodPhase | undefined;
    await this.d.runner.wait(`pod ${name} to finish`, async () => {
      const p = await this.kube.readPod(this.namespace, name);
      if (!p) throw new Error(`pod ${name} does not exist in ${this.namespace}`);
      const now = p.status?.phase;
      if (now === 'Succeeded' || now === 'Failed') phase = now;
      return phase !== undefined;
    }, { timeoutMs: this.timeout(timeoutMs) });
    return { phase: phase ?? 'Succeeded', logs: await this.logs(name) };
  }

  async rolloutRestart(kind: WorkloadKind, name: string, opts: { timeoutMs?: number } = {}): Promise<void> {
    await this.kube.restartWorkload(kind, this.namespace, name, new Date().toISOString());
    await this.waitRolledOut(kind, name, this.timeout(opts.timeoutMs));
  }

  private waitRolledOut(kind: WorkloadKind, name: string, timeoutMs: number): Promise<void> {
    return this.d.runner.wait(`${kind.toLowerCase()}/${name} to roll out`,
      async () => rolledOut(await this.kube.readWorkload(kind, this.namespace, name)), { timeoutMs });
  }

  exec(pod: string, container: string, argv: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    return this.kube.exec(this.namespace, pod, container, argv, opts.stdin, opts.timeoutMs ?? 60_000);
  }

  async logs(pod: string, container?: string, opts: { previous?: boolean } = {}): Promise<string> {
    const name = container ?? (await this.kube.readPod(this.namespace, pod))?.spec?.containers[0]?.name ?? '';
    return this.kube.logs(this.namespace, pod, name, opts.previous ?? false);
  }

  async endpoint(target: { pod: string } | { service: string }, port: number): Promise<Endpoint> {
    if (this.d.directAccess) {
      if ('pod' in target) {
        const ip = (await this.kube.readPod(this.namespace, target.pod))?.status?.podIP;
        if (!ip) throw new Error(`pod ${target.pod} has no address`);
        return { host: ip, port };
      }
      const ip = (await this.kube.readService(this.namespace, target.service)).spec?.clusterIP;
      if (!ip || ip === 'None') throw new Error(`service ${target.service} has no cluster IP`);
      return { host: ip, port };
    }
    if ('pod' in target) return this.forwards.open(this.namespace, `pod/${target.pod}`, port, async () => ({ pod: target.pod, port }));
    return this.forwards.open(this.namespace, `service/${target.service}`, port, () => this.serviceBackend(target.service, port));
  }

  /** A ready pod behind a Service, and the container port the Service port targets. */
  private async serviceBackend(service: string, port: number): Promise<ForwardTarget> {
    const svc = await this.kube.readService(this.namespace, service);
    const pods = (await this.kube.listPods(this.namespace, svc.spec?.selector ?? {})).filter(isReady);
    const pod = pods[0];
    if (!pod) throw new Error(`service ${service} has no ready pod`);
    const targetPort = svc.spec?.ports?.find((p) => p.port === port)?.targetPort ?? port;
    if (typeof targetPort === 'number') return { pod: pod.metadata!.name!, port: targetPort };
    const named = pod.spec?.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === targetPort);
    if (!named) throw new Error(`pod ${pod.metadata?.name} has no port named ${targetPort}`);
    return { pod: pod.metadata!.name!, port: named.containerPort };
  }

  /**
   * Every name a client may be told about (pod IP, pod DNS names, Service names) → where to connect. A pod keeps its
   * DNS name but gets a new address when it is re-created, so the map is live: one view per port of the release's
   * pods, refreshed every 500 ms until uninstall, that ioredis reads synchronously on each connect.
   */
  natMap(port: number): Promise<Record<string, Endpoint>> {
    let map = this.liveMaps.get(port);
    if (!map) {
      map = this.liveNatMap(port);
      this.liveMaps.set(port, map);
    }
    return map.then((m) => m.view);
  }

  private readonly liveMaps = new Map<number, Promise<{ view: Record<string, Endpoint>; timer: NodeJS.Timeout }>>();
  /** Failed nodes still to be restored; uninstall restores them at once. */
  private readonly pendingRestores = new Map<NodeJS.Timeout, () => Promise<void>>();

  private async liveNatMap(port: number): Promise<{ view: Record<string, Endpoint>; timer: NodeJS.Timeout }> {
    const entries = () => (this.d.directAccess ? this.directNatEntries(port) : this.forwardedNatEntries(port));
    let current = await entries();
    let refreshing = false;
    const timer = setInterval(() => {
      if (refreshing) return;
      refreshing = true;
      entries().then((next) => { current = next; }, () => undefined).finally(() => { refreshing = false; });
    }, 500);
    timer.unref();
    const view = new Proxy({} as Record<string, Endpoint>, {
      get: (_target, key) => (typeof key === 'string' ? current[key] : undefined),
      has: (_target, key) => typeof key === 'string' && key in current,
      ownKeys: () => Reflect.ownKeys(current),
      getOwnPropertyDescriptor: (_target, key) => (typeof key === 'string' && key in current ? { value: current[key], enumerable: true, configurable: true } : undefined),
    });
    return { view, timer };
  }

  /** The pods' DNS names → their addresses, which this machine reaches directly. */
  private async directNatEntries(port: number): Promise<Record<string, Endpoint>> {
    const next: Record<string, Endpoint> = {};
    for (const p of await this.livePods()) {
      const ip = p.status?.podIP;
      if (!ip || !p.metadata?.name) continue;
      for (const n of this.podNames(p)) next[`${n}:${port}`] = { host: ip, port };
    }
    return next;
  }

  /** Pod addresses, pod DNS names and Service names → port-forwards. */
  private async forwardedNatEntries(port: number): Promise<Record<string, Endpoint>> {
    const map: Record<string, Endpoint> = {};
    const ns = this.namespace;
    for (const p of await this.livePods()) {
      const name = p.metadata?.name;
      if (!name || !p.status?.podIP) continue;
      const to = await this.endpoint({ pod: name }, port);
      for (const n of [p.status.podIP, ...this.podNames(p)]) map[`${n}:${port}`] = to;
    }
    for (const svc of byKind(this.manifests, 'Service')) {
      const name: string = svc['metadata'].name;
      if (svc['spec']?.clusterIP === 'None' || !(svc['spec']?.ports ?? []).some((p: { port: number }) => p.port === port)) continue;
      const to = await this.endpoint({ service: name }, port);
      for (const n of [name, `${name}.${ns}`, `${name}.${ns}.svc`, `${name}.${ns}.svc.${this.d.clusterDomain}`]) map[`${n}:${port}`] = to;
    }
    return map;
  }

  /** The names a pod is known by: its own, and its DNS names under its headless Service. */
  private podNames(p: k8s.V1Pod): string[] {
    const names = [p.metadata!.name!];
    if (p.spec?.hostname && p.spec.subdomain) {
      const short = `${p.spec.hostname}.${p.spec.subdomain}`;
      const ns = this.namespace;
      names.push(short, `${short}.${ns}`, `${short}.${ns}.svc`, `${short}.${ns}.svc.${this.d.clusterDomain}`);
    }
    return names;
  }

  /** Pods cut by iptables on their node, with where the rules are; uninstall heals them. */
  private readonly nodeCuts = new Map<string, { node: string; ip: string }>();

  private async cutOnNode(pod: string): Promise<void> {
    const p = await this.kube.readPod(this.namespace, pod);
    const node = p?.spec?.nodeName;
    const ip = p?.status?.podIP;
    if (!node || !ip) throw new Error(`pod ${pod} has no node or address to cut`);
    if (this.nodeCuts.has(pod)) return;
    await this.d.nodeFaults!.cutPodAddress(node, ip);
    this.nodeCuts.set(pod, { node, ip });
  }

  private async healOnNode(pod: string): Promise<void> {
    const cut = this.nodeCuts.get(pod);
    if (!cut) return;
    this.nodeCuts.delete(pod);
    await this.d.nodeFaults!.healPodAddress(cut.node, cut.ip);
  }

  cutNetwork(pod: string): Promise<void> {
    return this.d.nodeFaults ? this.cutOnNode(pod) : this.cuts.cut(pod);
  }

  healNetwork(pod: string): Promise<void> {
    return this.d.nodeFaults ? this.healOnNode(pod) : this.cuts.heal(pod);
  }

  /** What `kubectl create job --from=cronjob/<name>` does, then wait for the Job to finish. */
  async runCronJob(name: string, opts: { timeoutMs?: number } = {}): Promise<JobRun> {
    const cron = await this.kube.readCronJob(this.namespace, name);
    const jobName = `${name.slice(0, 40)}-manual-${Date.now().toString(36)}`;
    const template = cron.spec?.jobTemplate;
    await this.kube.createJob(this.namespace, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: jobName,
        labels: template?.metadata?.labels,
        annotations: { ...template?.metadata?.annotations, 'cronjob.kubernetes.io/instantiate': 'manual' },
        ownerReferences: cron.metadata?.uid ? [{ apiVersion: 'batch/v1', kind: 'CronJob', name, uid: cron.metadata.uid, controller: true }] : undefined,
      },
      spec: template?.spec ?? { template: {} },
    }, name);
    let job: k8s.V1Job | undefined;
    await this.d.runner.wait(`job ${jobName} to finish`, async () => {
      job = await this.kube.readJob(this.namespace, jobName);
      return jobFinished(job) !== undefined;
    }, { timeoutMs: this.timeout(opts.timeoutMs) });
    const pods = await this.kube.listPods(this.namespace, { 'job-name': jobName });
    const logs: string[] = [];
    for (const p of pods) {
      for (const c of [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])]) {
        logs.push(await this.kube.logs(this.namespace, p.metadata?.name ?? '', c.name, false));
      }
    }
    return { jobName, succeeded: job !== undefined && jobFinished(job) === true, logs: logs.join('') };
  }

  async secret(name: string): Promise<Record<string, string>> {
    const s = await this.kube.readSecret(this.namespace, name);
    return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }

  async applySecret(spec: SecretSpec): Promise<void> {
    await this.kube.applySecret(this.namespace, secretManifest(spec));
  }

  async claims(): Promise<string[]> {
    return (await this.kube.listClaims(this.namespace)).map((c) => c.metadata?.name ?? '');
  }

  async claimSizes(): Promise<ClaimSize[]> {
    return (await this.kube.listClaims(this.namespace)).map((c) => ({
      name: c.metadata?.name ?? '',
      uid: c.metadata?.uid ?? '',
      requested: c.spec?.resources?.requests?.['storage'] ?? '',
      capacity: c.status?.capacity?.['storage'] ?? '',
    }));
  }

  async configMaps(): Promise<Array<{ name: string; data: Record<string, string> }>> {
    return (await this.kube.listConfigMaps(this.namespace)).map((c) => ({ name: c.metadata?.name ?? '', data: { ...c.data } }));
  }

  async containerSpecs(): Promise<ContainerSpec[]> {
    return (await this.livePods()).flatMap((p) => [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])].map((c) => ({
      pod: p.metadata?.name ?? '',
      podUid: p.metadata?.uid ?? '',
      container: c.name,
      argv: [...(c.command ?? []), ...(c.args ?? [])],
      env: Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!])),
    })));
  }

  /** helm uninstall; unless volumes are kept, also the claims of the StatefulSets and the Secrets Helm keeps. */
  async uninstall(opts: UninstallOptions = {}): Promise<void> {
    for (const [timer, restore] of this.pendingRestores) {
      clearTimeout(timer);
      await restore();
    }
    this.pendingRestores.clear();
    for (const pod of [...this.nodeCuts.keys()]) await this.healOnNode(pod);
    for (const node of [...this.cordoned]) await this.uncordonNode(node);
    for (const map of this.liveMaps.values()) clearInterval((await map.catch(() => undefined))?.timer);
    this.liveMaps.clear();
    await this.forwards.closeAll();
    await this.d.helmUninstall(opts.wait ?? true);
    if (opts.keepVolumes) return;
    const prefixes = byKind(this.manifests, 'StatefulSet').flatMap((sts) =>
      (sts['spec']?.volumeClaimTemplates ?? []).map((t: Manifest) => `${t['metadata'].name}-${sts['metadata'].name}-`));
    for (const pvc of await this.kube.listClaims(this.namespace)) {
      const name = pvc.metadata?.name ?? '';
      if (prefixes.some((p: string) => name.startsWith(p) && /^\d+$/.test(name.slice(p.length)))) await this.kube.deleteClaim(this.namespace, name);
    }
    for (const s of byKind(this.manifests, 'Secret')) {
      if (s['metadata']?.annotations?.['helm.sh/resource-policy'] === 'keep') await this.kube.deleteSecret(this.namespace, s['metadata'].name);
    }
  }

  /** Forwards stay open until uninstall; the cluster closes them on destroy too. */
  closeForwards(): Promise<void> {
    return this.forwards.closeAll();
  }
}

/** true: Complete; false: Failed; undefined: still running. */
function jobFinished(job: k8s.V1Job): boolean | undefined {
  const cond = (type: string) => job.status?.conditions?.some((c) => c.type === type && c.status === 'True');
  if (cond('Complete') || (job.status?.succeeded ?? 0) > 0) return true;
  if (cond('Failed')) return false;
  return undefined;
}
