import { existsSync, writeFileSync, readFileSync } from 'node:fs';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cluster, Endpoint, InstallOptions, Release } from '../types.ts';
import { onProcessExit, purgeInstanceSync } from './cleanup.ts';
import { dnsRecords, hostsFile, resolvConf, type DnsPod, type DnsService } from './dns.ts';
import { DnsProcess } from './dns-process.ts';
import type { ObjectLookup } from './env.ts';
import { SandboxUnavailableError, SandboxWorkloadError } from './errors.ts';
import { ImageCatalog } from './images.ts';
import type { K8sObject, ServicePort } from './k8s-types.ts';
import { classify, matchesSelector, objectData, parseManifests } from './manifests.ts';
import { Bridge, PodNetwork } from './network.ts';
import { Pod, type PodDefinition } from './pod.ts';
import type { PodEtcFiles } from './pod-root.ts';
import { SandboxRelease, type ClusterRuntime } from './release.ts';
import { ServiceProxy } from './service-proxy.ts';
import { claimInstance, type InstanceClaim } from './state.ts';

export { SandboxUnavailableError, SandboxWorkloadError, UnsupportedManifestError } from './errors.ts';
export { SandboxRelease } from './release.ts';

export interface SandboxClusterOptions {
  /** Renders a release's manifests, e.g. with `helm template`. */
  render: (opts: InstallOptions) => Promise<string>;
}

interface ServiceRuntime {
  obj: K8sObject;
  vip: string | undefined;
  proxy: ServiceProxy | undefined;
}

const REQUIRED_TOOLS = ['/usr/sbin/ip', '/usr/bin/nsenter', '/usr/bin/unshare', '/usr/bin/setpriv', '/usr/bin/mount', '/usr/bin/redis-server'];

const key = (namespace: string, name: string) => `${namespace}/${name}`;

/**
 * Runs rendered Kubernetes manifests as real processes on this machine: each pod in its own network namespace on
 * a private bridge, each container in its own mount+UTS namespace with a root assembled from the host's /usr and
 * /etc plus the pod's volumes. Services are host-side VIPs with a TCP proxy; cluster DNS is per-pod /etc/hosts.
 */
export class SandboxCluster implements Cluster, ClusterRuntime {
  readonly kind = 'sandbox' as const;
  private claim: InstanceClaim | undefined;
  private bridge: Bridge | undefined;
  private imageCatalog: ImageCatalog | undefined;
  private starting: Promise<void> | undefined;
  private unregisterExit: (() => void) | undefined;
  private readonly releases = new Map<string, SandboxRelease>();
  private readonly allPods = new Set<Pod>();
  private readonly configs = new Map<string, Record<string, Buffer>>();
  private readonly services = new Map<string, ServiceRuntime>();
  private readonly waiters = new Set<() => void>();
  private readonly dnsServer = new DnsProcess();
  private syncScheduled = false;
  private podSeq = 0;
  private destroyed = false;

  constructor(private readonly opts: SandboxClusterOptions) {}

  /** Throws SandboxUnavailableError when this machine cannot host the sandbox. */
  static assertAvailable(): void {
    if (process.platform !== 'linux') throw new SandboxUnavailableError(`it needs Linux namespaces, and this is ${process.platform}`);
    if (process.getuid?.() !== 0) throw new SandboxUnavailableError(`it must run as root (uid ${process.getuid?.()})`);
    const missing = REQUIRED_TOOLS.filter((t) => !existsSync(t));
    if (missing.length > 0) throw new SandboxUnavailableError(`required tools are missing: ${missing.join(', ')}`);
  }

  get images(): ImageCatalog {
    if (!this.imageCatalog) throw new Error('sandbox not started');
    return this.imageCatalog;
  }

  /** The bridge and subnet of this instance (for diagnostics and tests). */
  get network(): { bridge: string; subnet: string } | undefined {
    return this.claim && { bridge: this.claim.bridge, subnet: `${this.claim.subnet}.0/24` };
  }

  private ensureStarted(): Promise<void> {
    this.starting ??= (async () => {
      SandboxCluster.assertAvailable();
      const claim = await claimInstance();
      this.claim = claim;
      this.unregisterExit = onProcessExit(() => this.purgeSync());
      this.bridge = new Bridge(claim);
      await this.bridge.create();
      await this.dnsServer.start(this.bridge.gateway);
      this.imageCatalog = new ImageCatalog(join(claim.dir, 'images'));
      await mkdir(join(claim.dir, 'pods'), { recursive: true });
      await mkdir(join(claim.dir, 'volumes'), { recursive: true });
    })();
    return this.starting;
  }

  async install(opts: InstallOptions): Promise<Release> {
    if (this.destroyed) throw new Error('this SandboxCluster has been destroyed');
    await this.ensureStarted();
    const namespace = opts.namespace ?? 'default';
    if (this.releases.has(key(namespace, opts.release))) {
      throw new SandboxWorkloadError(`release ${opts.release} is already installed in namespace ${namespace}`);
    }
    const objects = classify(parseManifests(await this.opts.render(opts)), namespace);
    const release = new SandboxRelease(this, opts.release, namespace, objects);
    this.releases.set(key(namespace, opts.release), release);
    try {
      await release.install(opts);
    } catch (e) {
      // Like `helm install --atomic`: a failed install leaves nothing running; the error carries the diagnostics.
      await release.kill().catch(() => undefined);
      this.releases.delete(key(namespace, opts.release));
      throw e;
    }
    return release;
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    if (!this.starting) return;
    await this.starting.catch(() => undefined);
    await Promise.all([...this.releases.values()].map((r) => r.kill()));
    for (const s of [...this.services.values()]) await this.removeService(s.obj);
    this.purgeSync();
    this.unregisterExit?.();
  }

  /** Synchronous teardown of everything this instance owns; also runs from process exit handlers. */
  private purgeSync(): void {
    this.dnsServer.stop();
    for (const p of this.allPods) p.killSync();
    if (this.claim) purgeInstanceSync(this.claim.index, this.claim.owner, this.claim.dir);
  }

  // ---- ClusterRuntime ----

  readonly lookup: ObjectLookup = {
    configMap: (ns, name) => this.configs.get(`ConfigMap/${key(ns, name)}`),
    secret: (ns, name) => this.configs.get(`Secret/${key(ns, name)}`),
  };

  putConfig(o: K8sObject): void {
    this.configs.set(`${o.kind}/${key(o.metadata.namespace!, o.metadata.name)}`, objectData(o));
  }

  deleteConfig(o: K8sObject): void {
    this.configs.delete(`${o.kind}/${key(o.metadata.namespace!, o.metadata.name)}`);
  }

  createPod(def: PodDefinition, onDeleted: () => void): Pod {
    const bridge = this.bridge!;
    const claim = this.claim!;
    const pod: Pod = new Pod(def, {
      bridge,
      images: this.images,
      lookup: this.lookup,
      podsDir: join(claim.dir, 'pods'),
      createNetwork: () => PodNetwork.create(claim, bridge, ++this.podSeq),
      claimDir: (ns, claimName) => this.claimDir(ns, claimName),
      writeEtcFiles: (p, dir) => this.writeEtcFiles(p, dir),
      changed: (p) => {
        if (p.deleted) {
          this.allPods.delete(p);
          onDeleted();
        }
        this.scheduleSync();
      },
    });
    this.allPods.add(pod);
    pod.start();
    return pod;
  }

  private async claimDir(namespace: string, claimName: string): Promise<string> {
    const dir = join(this.claim!.dir, 'volumes', namespace, claimName);
    if (!existsSync(dir)) {
      await mkdir(dir, { recursive: true });
      // local-path provisioners (kind's included) hand out world-writable directories.
      await chmod(dir, 0o777);
    }
    return dir;
  }

  async deleteClaims(namespace: string, claims: string[]): Promise<void> {
    for (const c of claims) await rm(join(this.claim!.dir, 'volumes', namespace, c), { recursive: true, force: true });
  }

  forgetRelease(r: SandboxRelease): void {
    if (this.releases.get(key(r.namespace, r.name)) === r) this.releases.delete(key(r.namespace, r.name));
  }

  nextChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.waiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  /** Pod state changed: refresh DNS, let controllers react, wake waiters. Coalesced per event-loop turn. */
  private scheduleSync(): void {
    if (this.syncScheduled) return;
    this.syncScheduled = true;
    setImmediate(() => {
      this.syncScheduled = false;
      this.refreshDns();
      for (const r of this.releases.values()) r.reconcile();
      for (const w of [...this.waiters]) w();
    });
  }

  // ---- Services and DNS ----

  private endpointsOf(o: K8sObject): Pod[] {
    const selector = o.spec?.selector as Record<string, string> | undefined;
    if (!selector || Object.keys(selector).length === 0) return [];
    const publishNotReady = o.spec?.publishNotReadyAddresses === true;
    return [...this.allPods].filter(
      (p) =>
        p.namespace === o.metadata.namespace &&
        p.ip !== undefined &&
        !p.deleting &&
        matchesSelector(p.def.labels, selector) &&
        (p.ready || publishNotReady),
    );
  }

  private static isHeadless(o: K8sObject): boolean {
    return o.spec?.clusterIP === 'None';
  }

  async addService(o: K8sObject, _release: SandboxRelease): Promise<void> {
    const k = key(o.metadata.namespace!, o.metadata.name);
    if (this.services.has(k)) throw new SandboxWorkloadError(`Service ${k} already exists`);
    if (o.spec?.type === 'ExternalName') {
      this.services.set(k, { obj: o, vip: undefined, proxy: undefined });
      return;
    }
    if (SandboxCluster.isHeadless(o)) {
      this.services.set(k, { obj: o, vip: undefined, proxy: undefined });
      this.refreshDns();
      return;
    }
    const vip = this.bridge!.serviceAddresses.allocate();
    await this.bridge!.addServiceAddress(vip);
    const ports = ((o.spec?.ports ?? []) as ServicePort[]).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
    const proxy = new ServiceProxy(
      vip,
      ports.map((p) => ({
        port: p.port,
        backends: () =>
          this.endpointsOf(o).flatMap((pod) => {
            try {
              return [{ ip: pod.ip!, port: pod.resolvePort(p.targetPort ?? p.port) }];
            } catch {
              return [];
            }
          }),
      })),
    );
    await proxy.start();
    this.services.set(k, { obj: o, vip, proxy });
    this.refreshDns();
  }

  async removeService(o: K8sObject): Promise<void> {
    const k = key(o.metadata.namespace!, o.metadata.name);
    const s = this.services.get(k);
    if (!s) return;
    this.services.delete(k);
    await s.proxy?.close();
    if (s.vip) {
      await this.bridge!.removeServiceAddress(s.vip);
      this.bridge!.serviceAddresses.release(s.vip);
    }
  }

  serviceEndpoint(namespace: string, name: string, port: number): Endpoint {
    const s = this.services.get(key(namespace, name));
    if (!s) throw new SandboxWorkloadError(`no Service ${name} in namespace ${namespace}`);
    if (s.vip) return { host: s.vip, port };
    const svcPort = ((s.obj.spec?.ports ?? []) as ServicePort[]).find((p) => p.port === port);
    const ready = this.endpointsOf(s.obj);
    const pod = ready[0];
    if (!pod) throw new SandboxWorkloadError(`headless Service ${name} has no ready endpoints`);
    return { host: pod.ip!, port: pod.resolvePort(svcPort?.targetPort ?? port) };
  }

  serviceNames(namespace: string, port: number): Record<string, Endpoint> {
    const out: Record<string, Endpoint> = {};
    for (const s of this.services.values()) {
      if (s.obj.metadata.namespace !== namespace || !s.vip) continue;
      const n = s.obj.metadata.name;
      for (const form of [n, `${n}.${namespace}`, `${n}.${namespace}.svc`, `${n}.${namespace}.svc.cluster.local`]) {
        out[`${form}:${port}`] = { host: s.vip, port };
      }
    }
    return out;
  }

  private dnsPod(p: Pod): DnsPod {
    return { name: p.name, namespace: p.namespace, ip: p.ip, hostname: p.hostname, subdomain: p.subdomain };
  }

  private dnsServices(): DnsService[] {
    return [...this.services.values()]
      .filter((s) => s.obj.spec?.type !== 'ExternalName')
      .map((s) => ({
        name: s.obj.metadata.name,
        namespace: s.obj.metadata.namespace!,
        clusterIP: s.vip,
        endpoints: this.endpointsOf(s.obj).map((p) => this.dnsPod(p)),
      }));
  }

  private etcDir(p: Pod): string {
    return join(p.dir, 'etc');
  }

  /** Rewrites in place (same inode): the files are bind-mounted into running containers. */
  private writeIfChanged(path: string, content: string): void {
    let old: string | undefined;
    try {
      old = readFileSync(path, 'utf8');
    } catch {}
    if (old !== content) writeFileSync(path, content);
  }

  private refreshDns(): void {
    const services = this.dnsServices();
    this.dnsServer.setRecords(dnsRecords(services));
    for (const p of this.allPods) {
      // A pod being torn down has its directory removed underneath; writing would recreate it.
      if (!p.ip || p.deleting || p.deleted) continue;
      const dir = this.etcDir(p);
      if (!existsSync(dir)) continue;
      try {
        this.writeIfChanged(join(dir, 'hosts'), hostsFile(this.dnsPod(p), services));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  }

  private async writeEtcFiles(p: Pod, dir: string): Promise<PodEtcFiles> {
    await mkdir(dir, { recursive: true });
    const files: PodEtcFiles = { hosts: join(dir, 'hosts'), hostname: join(dir, 'hostname'), resolvConf: join(dir, 'resolv.conf') };
    writeFileSync(files.hosts, hostsFile(this.dnsPod(p), this.dnsServices()));
    writeFileSync(files.hostname, `${p.hostname}\n`);
    writeFileSync(files.resolvConf, resolvConf(p.namespace, this.bridge!.gateway));
    return files;
  }
}
