import { randomUUID } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecResult, PodInfo, PodPhase } from '../types.ts';
import { ContainerLogs, ContainerProcess, execInContainer, type ContainerExit } from './container.ts';
import { containerEnv, expandVars, type ObjectLookup } from './env.ts';
import { SandboxWorkloadError, UnsupportedManifestError } from './errors.ts';
import type { ImageCatalog } from './images.ts';
import type { Container, PodSpec } from './k8s-types.ts';
import type { Bridge, PodNetwork } from './network.ts';
import { NODE_NAME, type PodIdentity } from './pod-identity.ts';
import { containerLaunchScript, prepareContainerRoot, type ContainerUser, type PodEtcFiles } from './pod-root.ts';
import { checkProbeSupported, Prober, type ProbeOutcome, type ProbeTarget } from './probes.ts';
import { sleep } from './run.ts';
import { containerMounts, prepareVolumes, type PreparedVolume } from './volumes.ts';

export type PodOwner = NonNullable<PodInfo['owner']>;

/** What a controller asks for; the Pod turns it into processes. */
export interface PodDefinition {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: PodSpec;
  owner: PodOwner | undefined;
}

/** Cluster services a pod needs; provided by SandboxCluster. */
export interface PodEnvironment {
  bridge: Bridge;
  images: ImageCatalog;
  lookup: ObjectLookup;
  podsDir: string;
  createNetwork(): Promise<PodNetwork>;
  claimDir(namespace: string, claimName: string): Promise<string>;
  /** Write this pod's /etc/hosts etc. (they change as Services gain and lose ready pods). */
  writeEtcFiles(pod: Pod, dir: string): Promise<PodEtcFiles>;
  changed(pod: Pod): void;
}

const DEFAULT_GRACE_SECONDS = 30;
const BACKOFF_START_MS = 250;
const BACKOFF_MAX_MS = 4000;
/** A run longer than this resets the crash backoff. */
const BACKOFF_RESET_MS = 10_000;
/**
 * Without a readiness probe a container is ready once running; kubelet only notices a start after its next
 * status sync, so a command that exits at once is never seen ready. Waiting this long gives the same effect.
 */
const READY_WITHOUT_PROBE_AFTER_MS = 300;

export class ContainerState {
  process: ContainerProcess | undefined;
  restarts = 0;
  /** Startup probe passed (or none). */
  started = false;
  /** Readiness verdict (true when there is no readiness probe). */
  probeReady = false;
  lastExit: ContainerExit | undefined;
  /** Set when the container will not run again (restartPolicy Never/OnFailure). */
  terminated: ContainerExit | undefined;
  lastProbeFailure: string | undefined;
  startError: string | undefined;
  env: Record<string, string> = {};
  user: ContainerUser | undefined;
  /** Probes and timers of the current run, stopped when it ends. */
  probers: { stop(): void }[] = [];
  crashes = 0;
  lastStartAt: number | undefined;
  readonly logs: ContainerLogs;

  constructor(readonly spec: Container, readonly init: boolean, logDir: string) {
    this.logs = new ContainerLogs(logDir, spec.name);
  }

  get name(): string {
    return this.spec.name;
  }

  get running(): boolean {
    return this.process?.running === true;
  }

  get ready(): boolean {
    return this.running && this.started && this.probeReady;
  }
}

function randomSuffix(n: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
}

export { randomSuffix };

export class Pod {
  readonly uid = randomUUID();
  readonly dir: string;
  readonly initContainers: ContainerState[];
  readonly containers: ContainerState[];
  phase: PodPhase = 'Pending';
  network: PodNetwork | undefined;
  deleting = false;
  deleted = false;
  /** Why the pod could not start (missing ConfigMap, mount failure...). */
  setupError: string | undefined;
  private volumes = new Map<string, PreparedVolume>();
  private etc: PodEtcFiles | undefined;
  private lifecycle: Promise<void> | undefined;
  private supervisors: Promise<void>[] = [];
  private wake = new Set<() => void>();

  constructor(readonly def: PodDefinition, private readonly envr: PodEnvironment) {
    this.dir = join(envr.podsDir, `${def.namespace}_${def.name}_${this.uid.slice(0, 8)}`);
    const logDir = join(this.dir, 'logs');
    this.initContainers = (def.spec.initContainers ?? []).map((c) => new ContainerState(c, true, logDir));
    this.containers = def.spec.containers.map((c) => new ContainerState(c, false, logDir));
  }

  get name(): string {
    return this.def.name;
  }

  get namespace(): string {
    return this.def.namespace;
  }

  get ip(): string | undefined {
    return this.network?.ip;
  }

  get ready(): boolean {
    return this.phase === 'Running' && !this.deleting && this.containers.every((c) => c.ready);
  }

  get restartPolicy(): 'Always' | 'OnFailure' | 'Never' {
    return this.def.spec.restartPolicy ?? 'Always';
  }

  /** StatefulSet pods get hostname + subdomain (the governing Service), which gives them a DNS name. */
  get hostname(): string {
    return this.def.spec.hostname ?? this.def.name;
  }

  get subdomain(): string | undefined {
    return this.def.spec.subdomain;
  }

  identity(): PodIdentity {
    return {
      name: this.name,
      namespace: this.namespace,
      uid: this.uid,
      labels: this.def.labels,
      annotations: this.def.annotations,
      ip: this.ip ?? '',
      hostIP: this.envr.bridge.gateway,
      nodeName: NODE_NAME,
      serviceAccountName: this.def.spec.serviceAccountName ?? 'default',
    };
  }

  info(): PodInfo {
    return {
      name: this.name,
      namespace: this.namespace,
      ip: this.ip,
      phase: this.phase,
      ready: this.ready,
      restarts: this.containers.reduce((n, c) => n + c.restarts, 0),
      labels: { ...this.def.labels },
      owner: this.def.owner,
      containers: this.containers.map((c) => c.name),
    };
  }

  /** Validate what can be validated before any process starts (images, probes, volume types). */
  static validate(def: PodDefinition, images: ImageCatalog): void {
    for (const c of [...(def.spec.initContainers ?? []), ...def.spec.containers]) {
      const where = `pod ${def.name}, container ${c.name}`;
      images.check(c.image, where);
      checkProbeSupported(c.readinessProbe, where);
      checkProbeSupported(c.livenessProbe, where);
      checkProbeSupported(c.startupProbe, where);
    }
  }

  start(): void {
    this.lifecycle = this.run().catch((e: unknown) => {
      this.setupError = e instanceof Error ? e.message : String(e);
      this.changed();
    });
  }

  private changed(): void {
    for (const w of [...this.wake]) w();
    this.envr.changed(this);
  }

  /** Resolves on the next state change of this pod. */
  nextChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wake.delete(done);
        resolve();
      };
      const t = setTimeout(done, timeoutMs);
      this.wake.add(done);
    });
  }

  private async run(): Promise<void> {
    await mkdir(join(this.dir, 'logs'), { recursive: true });
    this.network = await this.envr.createNetwork();
    if (this.deleting) return;
    this.etc = await this.envr.writeEtcFiles(this, join(this.dir, 'etc'));
    this.volumes = await prepareVolumes({
      pod: this.identity(),
      spec: this.def.spec,
      podDir: this.dir,
      lookup: this.envr.lookup,
      claimDir: (claim) => this.envr.claimDir(this.namespace, claim),
    });
    for (const c of this.initContainers) {
      if (this.deleting) return;
      if (c.spec.restartPolicy === 'Always') {
        // A native sidecar: runs alongside the main containers, the next init container waits for its startup.
        this.supervisors.push(this.supervise(c));
        while (!c.started && !this.deleting) await this.nextChange(1000);
        continue;
      }
      const ok = await this.runInitContainer(c);
      if (!ok) {
        this.phase = 'Failed';
        this.changed();
        return;
      }
    }
    if (this.deleting) return;
    this.phase = 'Running';
    this.changed();
    this.supervisors.push(...this.containers.map((c) => this.supervise(c)));
    await Promise.all(this.supervisors);
  }

  private async runInitContainer(c: ContainerState): Promise<boolean> {
    for (;;) {
      const exit = await this.runOnce(c);
      if (this.deleting) return false;
      if (exit.code === 0) {
        c.terminated = exit;
        return true;
      }
      if (this.restartPolicy === 'Never') {
        c.terminated = exit;
        return false;
      }
      c.restarts++;
      await this.backoff(c, exit);
    }
  }

  /** Keep a main container running according to the pod's restartPolicy. */
  private async supervise(c: ContainerState): Promise<void> {
    for (;;) {
      const exit = await this.runOnce(c);
      if (this.deleting) return;
      const policy = c.init ? 'Always' : this.restartPolicy;
      if (policy === 'Never' || (policy === 'OnFailure' && exit.code === 0)) {
        c.terminated = exit;
        this.updateTerminalPhase();
        return;
      }
      c.restarts++;
      this.changed();
      await this.backoff(c, exit);
      if (this.deleting) return;
    }
  }

  private updateTerminalPhase(): void {
    if (!this.containers.every((c) => c.terminated)) return;
    this.phase = this.containers.every((c) => c.terminated!.code === 0) ? 'Succeeded' : 'Failed';
    this.changed();
  }

  private async backoff(c: ContainerState, exit: ContainerExit): Promise<void> {
    const ranFor = exit.at - (c.lastStartAt ?? exit.at);
    c.crashes = ranFor > BACKOFF_RESET_MS ? 0 : c.crashes + 1;
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** Math.max(0, c.crashes - 1));
    const until = Date.now() + delay;
    while (!this.deleting && Date.now() < until) await this.nextChange(until - Date.now());
  }

  private user(c: Container): ContainerUser | undefined {
    const pod = this.def.spec.securityContext ?? {};
    const own = c.securityContext ?? {};
    const uid = own.runAsUser ?? pod.runAsUser;
    const gid = own.runAsGroup ?? pod.runAsGroup;
    const groups = [...(pod.fsGroup !== undefined ? [pod.fsGroup] : []), ...(pod.supplementalGroups ?? [])];
    if ((own.runAsNonRoot ?? pod.runAsNonRoot) && !uid) {
      throw new UnsupportedManifestError(
        `pod ${this.name} container ${c.name}: runAsNonRoot is set but the container would run as root (set runAsUser)`,
      );
    }
    if (uid === undefined && gid === undefined && groups.length === 0) return undefined;
    return { uid: uid ?? 0, gid: gid ?? 0, groups };
  }

  private argv(c: Container, env: Record<string, string>, entrypoint: readonly string[], cmd: readonly string[]): string[] {
    const command = c.command ?? [...entrypoint];
    const args = c.args ?? (c.command ? [] : [...cmd]);
    const argv = [...command, ...args].map((a) => expandVars(String(a), env));
    if (argv.length === 0) throw new UnsupportedManifestError(`pod ${this.name} container ${c.name}: no command`);
    return argv;
  }

  /** One run of a container, from root assembly to exit. Setup errors count as a failed run with the error logged. */
  private async runOnce(c: ContainerState): Promise<ContainerExit> {
    if (c.lastStartAt !== undefined) await c.logs.rotate();
    c.lastStartAt = Date.now();
    c.started = false;
    c.probeReady = false;
    c.startError = undefined;
    let proc: ContainerProcess;
    try {
      const image = await this.envr.images.resolve(c.spec.image, `pod ${this.name}, container ${c.name}`);
      c.user = this.user(c.spec);
      c.env = containerEnv(c.spec, this.identity(), this.def.spec.containers, this.envr.lookup, image.env);
      c.env.HOME ??= !c.user || c.user.uid === 0 ? '/root' : '/';
      const argv = this.argv(c.spec, c.env, image.entrypoint, image.cmd);
      const spec = {
        dir: join(this.dir, 'containers', c.name),
        hostname: this.hostname,
        image,
        mounts: await containerMounts(c.spec, this.volumes, this.name),
        etc: this.etc!,
        readOnlyRoot: c.spec.securityContext?.readOnlyRootFilesystem === true,
        workingDir: c.spec.workingDir ?? '/',
        user: c.user,
      };
      const root = await prepareContainerRoot(spec);
      if (this.deleting) return { code: 137, signal: 'SIGKILL', at: Date.now() };
      proc = ContainerProcess.start({
        netnsPath: this.network!.netnsPath,
        script: containerLaunchScript(spec, root),
        argv,
        env: c.env,
        logFile: c.logs.current,
      });
      c.process = proc;
      if (this.deleting) proc.killGroup();
      await this.waitChrooted(proc);
    } catch (e) {
      c.startError = e instanceof Error ? e.message : String(e);
      const exit: ContainerExit = { code: 128, signal: null, at: Date.now() };
      c.lastExit = exit;
      this.changed();
      return exit;
    }
    if (c.spec.lifecycle?.postStart?.exec && proc.running) {
      const r = await this.execIn(c, c.spec.lifecycle.postStart.exec.command, { timeoutMs: DEFAULT_GRACE_SECONDS * 1000 });
      if (r.code !== 0) {
        c.startError = `postStart hook failed (exit ${r.code}): ${(r.stdout + r.stderr).trim()}`;
        proc.killGroup();
      }
    }
    if (!c.init || c.spec.restartPolicy === 'Always') this.startProbes(c);
    else c.started = true;
    this.changed();
    const exit = await proc.exited;
    for (const p of c.probers) p.stop();
    c.probers = [];
    c.lastExit = exit;
    c.started = false;
    c.probeReady = false;
    this.changed();
    return exit;
  }

  /** The launch chain is exec-only; the process is the container once it has chrooted. */
  private async waitChrooted(proc: ContainerProcess): Promise<void> {
    for (let i = 0; i < 2000 && proc.running; i++) {
      try {
        if (readlinkSync(`/proc/${proc.pid}/root`) !== '/') return;
      } catch {
        return;
      }
      await sleep(2);
    }
  }

  private probeTarget(c: ContainerState): ProbeTarget {
    return {
      podIP: this.ip ?? '127.0.0.1',
      resolvePort: (port) => this.resolvePort(port, c.spec),
      exec: (argv, timeoutMs) => this.execIn(c, argv, { timeoutMs }),
    };
  }

  resolvePort(port: number | string, only?: Container): number {
    if (typeof port === 'number') return port;
    if (/^\d+$/.test(port)) return Number(port);
    for (const c of only ? [only] : this.def.spec.containers) {
      const p = c.ports?.find((x) => x.name === port);
      if (p) return p.containerPort;
    }
    throw new UnsupportedManifestError(`pod ${this.name}: no container port named ${port}`);
  }

  private startProbes(c: ContainerState): void {
    const target = this.probeTarget(c);
    const failed = (kind: string) => (o: ProbeOutcome) => {
      c.lastProbeFailure = `${kind} probe failed at ${new Date(o.at).toISOString()}: ${o.message}`;
    };
    const readiness = c.spec.readinessProbe;
    const liveness = c.spec.livenessProbe;
    const startOthers = () => {
      c.started = true;
      if (!readiness) {
        const t = setTimeout(() => {
          if (c.process?.running && c.started) {
            c.probeReady = true;
            this.changed();
          }
        }, READY_WITHOUT_PROBE_AFTER_MS);
        c.probers.push({ stop: () => clearTimeout(t) });
      } else {
        const p = new Prober('readiness', readiness, target, {
          onFailure: failed('Readiness'),
          onVerdict: (ok) => {
            c.probeReady = ok;
            this.changed();
          },
        });
        c.probers.push(p);
        p.start();
      }
      if (liveness) {
        const p = new Prober('liveness', liveness, target, {
          onFailure: failed('Liveness'),
          onVerdict: (ok, o) => {
            if (ok) return;
            failed('Liveness')(o);
            void this.stopContainer(c, liveness.terminationGracePeriodSeconds ?? this.grace(), true);
          },
        });
        c.probers.push(p);
        p.start();
      }
      this.changed();
    };
    const startup = c.spec.startupProbe;
    if (!startup) return startOthers();
    const p = new Prober('startup', startup, target, {
      onFailure: failed('Startup'),
      onVerdict: (ok, o) => {
        if (ok) return startOthers();
        failed('Startup')(o);
        void this.stopContainer(c, startup.terminationGracePeriodSeconds ?? this.grace(), true);
      },
    });
    c.probers.push(p);
    p.start();
  }

  private grace(): number {
    return this.def.spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
  }

  /** kubelet's container kill: preStop hook, SIGTERM, wait out the grace period, SIGKILL. */
  private async stopContainer(c: ContainerState, graceSeconds: number, graceful: boolean): Promise<void> {
    const proc = c.process;
    if (!proc?.running) return;
    for (const p of c.probers) p.stop();
    if (!graceful) {
      proc.killGroup();
      await proc.exited;
      return;
    }
    const deadline = Date.now() + graceSeconds * 1000;
    const preStop = c.spec.lifecycle?.preStop?.exec;
    if (preStop) {
      await Promise.race([this.execIn(c, preStop.command, { timeoutMs: graceSeconds * 1000 }), proc.exited]);
    }
    proc.signal('SIGTERM');
    const left = Math.max(0, deadline - Date.now());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([proc.exited, new Promise((r) => (timer = setTimeout(r, left)))]);
    clearTimeout(timer);
    if (proc.running) proc.killGroup();
    await proc.exited;
  }

  async delete(graceful: boolean): Promise<void> {
    if (this.deleting) {
      while (!this.deleted) await this.nextChange(1000);
      return;
    }
    this.deleting = true;
    this.changed();
    const grace = graceful ? this.grace() : 0;
    await Promise.all([...this.initContainers, ...this.containers].map((c) => this.stopContainer(c, grace, graceful)));
    await this.lifecycle;
    await this.network?.destroy(this.envr.bridge);
    await rm(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    this.deleted = true;
    this.changed();
  }

  /** Synchronous last-resort kill for process exit handlers. */
  killSync(): void {
    for (const c of [...this.initContainers, ...this.containers]) c.process?.killGroup();
  }

  private container(name: string | undefined): ContainerState {
    const all = [...this.containers, ...this.initContainers];
    const c = name === undefined ? this.containers[0] : all.find((x) => x.name === name);
    if (!c) throw new SandboxWorkloadError(`pod ${this.name} has no container ${name} (has ${all.map((x) => x.name).join(', ')})`);
    return c;
  }

  private execIn(c: ContainerState, argv: string[], opts: { stdin?: string; timeoutMs?: number }) {
    const pid = c.process?.pid;
    if (!c.running || pid === undefined) {
      return Promise.resolve({ stdout: '', stderr: `container ${c.name} is not running`, code: 126, timedOut: false });
    }
    return execInContainer(pid, c.user, c.env, argv, opts);
  }

  async exec(container: string, argv: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    const c = this.container(container);
    if (!c.running) throw new SandboxWorkloadError(`cannot exec in pod ${this.name}: container ${c.name} is not running`);
    const r = await this.execIn(c, argv, opts);
    if (r.timedOut) throw new SandboxWorkloadError(`exec in pod ${this.name} container ${c.name} timed out: ${argv.join(' ')}`);
    return { stdout: r.stdout, stderr: r.stderr, code: r.code };
  }

  logs(container: string | undefined, previous = false): Promise<string> {
    return this.container(container).logs.read(previous);
  }

  /** Why the pod is not ready: each container's state, exit code, last probe failure and log tail. */
  async describe(): Promise<string> {
    const lines = [`pod ${this.namespace}/${this.name} (phase ${this.phase}${this.deleting ? ', terminating' : ''})`];
    if (this.setupError) lines.push(`  setup failed: ${this.setupError}`);
    for (const c of [...this.initContainers, ...this.containers]) {
      if (c.init && c.terminated?.code === 0) continue;
      const state = c.running ? (c.ready ? 'ready' : 'running, not ready') : c.process || c.lastExit ? 'not running' : 'waiting';
      lines.push(`  ${c.init ? 'init ' : ''}container ${c.name} (image ${c.spec.image}): ${state}, restarts ${c.restarts}`);
      if (c.lastExit) lines.push(`    last exit code ${c.lastExit.code}${c.lastExit.signal ? ` (${c.lastExit.signal})` : ''}`);
      if (c.startError) lines.push(`    start error: ${c.startError}`);
      if (c.lastProbeFailure) lines.push(`    ${c.lastProbeFailure}`);
      const tail = (await c.logs.tail(20)) || (await c.logs.tail(20, true));
      if (tail) lines.push(`    log tail:\n${tail.replace(/^/gm, '      | ')}`);
    }
    return lines.join('\n');
  }
}
