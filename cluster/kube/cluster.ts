import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { UMBRELLA_DIR } from '../../generator/paths.ts';
import { userHelm } from '../../toolchain/tools.ts';
import type { Cluster, InstallOptions, Release } from '../driver.ts';
import { installWatchingPods, type PodSource } from '../pod-start-watch.ts';
import { failedHookJob, hookJobLogs } from './hook-logs.ts';
import { Kube } from './kube.ts';
import { CommandRunner, type CommandOptions } from './plan.ts';
import { KubeRelease, type NodeFaults } from './release.ts';
import { secretManifest } from './secret-manifest.ts';
import { RESTRICTED_NAMESPACE_LABELS } from '../pod-security.ts';

export interface KubeClusterOptions {
  /** Defaults to a real runner with the helm on PATH (or the pinned Helm 4). */
  runner?: CommandRunner;
  /** kind cluster name; the kubeconfig context is "kind-<name>". */
  clusterName?: string;
  /** Another kubeconfig context (any cluster, not only kind). */
  context?: string;
  /** A kubeconfig file instead of the default ($KUBECONFIG, ~/.kube/config). */
  kubeconfig?: string;
  /**
   * Values files every install gets after the profile, e.g. the image overrides of a registry mirror; a function of the
   * chart directory where the values differ by chart version (an older chart's schema refuses newer keys).
   */
  valuesFiles?: string[] | ((chartDir: string) => string[]);
  /** Pod and Service addresses are reachable from this machine (the local cluster): no port-forwards. */
  directAccess?: boolean;
  /** Node failures by real mechanisms, where the cluster offers them (the local cluster). */
  nodeFaults?: NodeFaults;
  chartDir?: string;
  clusterDomain?: string;
  timeoutMs?: number;
}

export const DEFAULT_KIND_CLUSTER = 'redis-charts';
/** Label on every namespace the driver creates, so leftovers can be found and removed. */
export const NAMESPACE_LABEL = { 'app.kubernetes.io/part-of': 'redis-charts-tests' };
/** Every namespace the driver creates: found by NAMESPACE_LABEL, and Pod Security "restricted" enforced. */
const NAMESPACE_LABELS = { ...NAMESPACE_LABEL, ...RESTRICTED_NAMESPACE_LABELS };

/**
 * The driver for real clusters: `helm upgrade --install --wait` into a fresh namespace per release, then
 * client-node for pods, exec, logs, port-forwards, NetworkPolicies and Jobs. Every call goes through one
 * CommandRunner, so `new KubeCluster({ runner: new CommandRunner('dry-run') })` prints the plan instead.
 */
export class KubeCluster implements Cluster {
  readonly runner: CommandRunner;
  readonly context: string;
  private readonly kube: Kube;
  private readonly chartDir: string;
  private readonly timeoutMs: number;
  private readonly createdNamespaces = new Set<string>();
  private readonly releases = new Set<KubeRelease>();

  constructor(private readonly o: KubeClusterOptions = {}) {
    this.runner = o.runner ?? new CommandRunner('real', { binaries: { helm: userHelm() } });
    this.context = o.context ?? `kind-${o.clusterName ?? process.env['REDIS_CHARTS_KIND_CLUSTER'] ?? DEFAULT_KIND_CLUSTER}`;
    this.kube = new Kube(this.runner, this.context, o.kubeconfig);
    this.chartDir = o.chartDir ?? UMBRELLA_DIR;
    this.timeoutMs = o.timeoutMs ?? 600_000;
  }

  /** The namespace of a release: the one asked for, else a fresh one named after the release. */
  static namespaceFor(o: InstallOptions): string {
    return o.namespace ?? `rc-${o.release}`.slice(0, 63).replace(/-+$/, '');
  }

  namespaceOf(release: string): string {
    return KubeCluster.namespaceFor({ release, valuesFiles: [] });
  }

  async install(o: InstallOptions): Promise<Release> {
    const namespace = KubeCluster.namespaceFor(o);
    if (o.namespace === undefined && !this.createdNamespaces.has(namespace)) {
      await this.kube.createNamespace(namespace, NAMESPACE_LABELS);
      this.createdNamespaces.add(namespace);
    }
    for (const secret of o.secrets ?? []) await this.kube.applySecret(namespace, secretManifest(secret));
    const timeoutMs = o.timeoutMs ?? this.timeoutMs;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-kind-'));
    let manifestYaml: string;
    try {
      const overrides = path.join(dir, 'overrides.yaml');
      fs.writeFileSync(overrides, stringify(o.values ?? {}));
      const chartDir = o.chartDir ?? this.chartDir;
      const harness = typeof this.o.valuesFiles === 'function' ? this.o.valuesFiles(chartDir) : this.o.valuesFiles ?? [];
      const valuesArgs = [...o.valuesFiles, ...harness, overrides].flatMap((f) => ['-f', f]);
      const upgrade = (signal?: AbortSignal) => this.helm([
        'upgrade', '--install', o.release, chartDir, ...valuesArgs,
        ...(o.wait === false ? [] : ['--wait', '--timeout', `${Math.ceil(timeoutMs / 1000)}s`]),
      ], namespace, { signal });
      // A pod that will not start fails the install at once, not at the end of helm's timeout.
      if (o.wait === false || this.runner.dryRun) await upgrade();
      else {
        await installWatchingPods(upgrade, this.podSource(namespace, o.release)).catch(async (e: Error) => {
          const job = failedHookJob(e.message);
          if (job) e.message += `\nthe hook Job ${job.name} logged:\n${await hookJobLogs(this.kube, job)}`;
          throw e;
        });
      }
      // A dry run renders locally what the cluster would report, so the plan shows the waits for each workload.
      manifestYaml = this.runner.dryRun
        ? (await this.helm(['template', o.release, chartDir, ...valuesArgs], namespace, { local: true })).stdout
        : (await this.helm(['get', 'manifest', o.release], namespace)).stdout;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const manifests = parseAllDocuments(manifestYaml).map((d) => d.toJS() as Record<string, any>).filter((m) => m && typeof m === 'object');
    const release = new KubeRelease(o.release, namespace, manifests, {
      runner: this.runner,
      kube: this.kube,
      clusterDomain: this.o.clusterDomain ?? 'cluster.local',
      directAccess: this.o.directAccess ?? false,
      ...(this.o.nodeFaults ? { nodeFaults: this.o.nodeFaults } : {}),
      defaultTimeoutMs: timeoutMs,
      helmUninstall: async (wait) => {
        this.releases.delete(release);
        await this.helm(['uninstall', o.release, ...(wait ? ['--wait'] : []), '--ignore-not-found'], namespace);
      },
    });
    this.releases.add(release);
    if (o.wait !== false) await release.waitReady({ timeoutMs });
    return release;
  }

  /** `helm test`: runs the chart's test hooks and fails with their logs when one fails. */
  async helmTest(release: Release): Promise<string> {
    const timeout = `${Math.ceil(this.timeoutMs / 1000)}s`;
    return (await this.helm(['test', release.name, '--logs', '--timeout', timeout], release.namespace)).stdout;
  }

  /** Uninstalls what is still installed and deletes the namespaces this driver created. */
  async destroy(): Promise<void> {
    for (const r of [...this.releases]) await r.uninstall({ keepVolumes: false });
    for (const ns of this.createdNamespaces) await this.kube.deleteNamespace(ns);
    this.createdNamespaces.clear();
  }

  private podSource(namespace: string, release: string): PodSource {
    return {
      listPods: () => this.kube.listPods(namespace, { 'app.kubernetes.io/instance': release }),
      logs: (pod, container, previous) => this.kube.logs(namespace, pod, container, previous),
    };
  }

  private helm(args: string[], namespace: string, opts: CommandOptions = {}) {
    const target = [...(this.o.kubeconfig ? ['--kubeconfig', this.o.kubeconfig] : []), '--kube-context', this.context];
    return this.runner.command('helm', [...args, '--namespace', namespace, ...target], opts);
  }
}
