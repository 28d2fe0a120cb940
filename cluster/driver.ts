/**
 * The driver interface every scenario is written against. KubeCluster (cluster/kube/) implements it with
 * helm + @kubernetes/client-node for any kubeconfig: the local cluster, kind, a user's cluster.
 */

export interface InstallOptions {
  /** Helm release name. */
  release: string;
  /** Kubernetes namespace; defaults to "default". */
  namespace?: string;
  /** Values files passed as `-f`, in order (a profile first, overlays after). */
  valuesFiles: string[];
  /** Extra values, deep-merged after the files (written to a temporary values file). */
  values?: Record<string, unknown>;
  /** Wait until every workload is ready (default true). */
  wait?: boolean;
  /** The chart to install; the driver's own (the umbrella chart of this checkout) by default. */
  chartDir?: string;
  timeoutMs?: number;
  /** Secrets created (or replaced) in the namespace before the chart, as a user creates what `existingSecret` names. */
  secrets?: SecretSpec[];
}

export interface SecretSpec {
  name: string;
  /** e.g. kubernetes.io/tls; Opaque when absent. */
  type?: string;
  /** Plain values (not base64). */
  data: Record<string, string>;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface PodInfo {
  name: string;
  /** Changes when a StatefulSet re-creates the pod under the same name. */
  uid: string;
  namespace: string;
  ip: string | undefined;
  /** The node it is scheduled on. */
  node: string | undefined;
  phase: PodPhase;
  ready: boolean;
  restarts: number;
  labels: Record<string, string>;
  /** The controller that owns the pod. */
  owner: { kind: 'StatefulSet' | 'Deployment' | 'Job'; name: string } | undefined;
  containers: string[];
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface Endpoint {
  host: string;
  port: number;
}

export interface JobRun {
  jobName: string;
  succeeded: boolean;
  logs: string;
}

export interface PodDone {
  phase: PodPhase;
  logs: string;
}

export interface DeletePodOptions {
  /** true: preStop hook, SIGTERM, terminationGracePeriodSeconds, then SIGKILL. false: SIGKILL at once. */
  graceful: boolean;
  /** Wait until the controller has re-created the pod and it is ready (default: return once the old pod is gone). */
  wait?: boolean;
  /**
   * Stand for a failure of the pod's node lasting this long: where the driver can fail nodes (the local cluster), the
   * node fails and returns after it; elsewhere the pod is deleted.
   */
  holdDownMs?: number;
}

/** A PersistentVolumeClaim's storage: requested in its spec, and what its volume has (empty until bound). */
export interface ClaimSize {
  name: string;
  uid: string;
  requested: string;
  capacity: string;
}

/** A container as its pod specifies it: what the node runs, before any shell expands it. */
export interface ContainerSpec {
  pod: string;
  podUid: string;
  container: string;
  /** command + args. */
  argv: string[];
  /** Environment values given literally (not from a Secret or ConfigMap reference). */
  env: Record<string, string>;
}

export interface Release {
  readonly name: string;
  readonly namespace: string;
  /** The objects `helm template` rendered for this release. */
  readonly manifests: ReadonlyArray<Record<string, any>>;
  pods(selector?: Record<string, string>): Promise<PodInfo[]>;
  waitReady(opts?: { selector?: Record<string, string>; timeoutMs?: number }): Promise<void>;
  waitPodReady(pod: string, timeoutMs?: number): Promise<void>;
  deletePod(pod: string, opts: DeletePodOptions): Promise<void>;
  /**
   * A drain as `kubectl drain` does it: cordon the node, then evict this release's pods on it through the eviction
   * API (PodDisruptionBudgets in force; a refusal is retried, bounded). Returns the evicted pods.
   */
  drainNode(node: string, opts?: { timeoutMs?: number }): Promise<string[]>;
  uncordonNode(node: string): Promise<void>;
  /** One eviction through the eviction API: 'refused' when a PodDisruptionBudget does not allow it now. */
  evictPod(pod: string): Promise<'evicted' | 'refused'>;
  /** A crash: the container's main process gets SIGKILL from the runtime, and the kubelet restarts it in place. */
  crashContainer(pod: string, container: string): Promise<void>;
  /** Restart the pods of a StatefulSet or Deployment one by one, as a rolling update does. */
  rolloutRestart(kind: 'StatefulSet' | 'Deployment', name: string, opts?: { timeoutMs?: number }): Promise<void>;
  exec(pod: string, container: string, argv: string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<ExecResult>;
  logs(pod: string, container?: string, opts?: { previous?: boolean }): Promise<string>;
  /** An address the test process can connect to for a pod's or a Service's port. */
  endpoint(target: { pod: string } | { service: string }, port: number): Promise<Endpoint>;
  /** ioredis natMap: cluster DNS names and pod addresses (as Sentinel announces them) to reachable endpoints, kept
   * current as pods are re-created (one live view per port, until uninstall). */
  natMap(port: number): Promise<Record<string, Endpoint>>;
  /** Cut a pod off the network (both directions; on the local cluster established connections too) and heal it. */
  cutNetwork(pod: string): Promise<void>;
  healNetwork(pod: string): Promise<void>;
  /** Create a Job from a CronJob, run it to completion, return its result and logs. */
  runCronJob(name: string, opts?: { timeoutMs?: number }): Promise<JobRun>;
  /** Read a rendered Secret's data (decoded). */
  secret(name: string): Promise<Record<string, string>>;
  /** Create or replace a Secret in the release's namespace (a renewal, as cert-manager or an operator makes it). */
  applySecret(spec: SecretSpec): Promise<void>;
  /** Create a bare Pod (an application next to the release) in the release's namespace. */
  createPod(manifest: Record<string, any>): Promise<void>;
  /** Wait until a pod created with createPod has finished (Succeeded or Failed); its phase and its first container's logs. */
  waitPodDone(name: string, timeoutMs?: number): Promise<PodDone>;
  /** The names of the PersistentVolumeClaims in the release's namespace. */
  claims(): Promise<string[]>;
  /** The PersistentVolumeClaims in the release's namespace with what each asks for and has. */
  claimSizes(): Promise<ClaimSize[]>;
  /** Every ConfigMap in the release's namespace, with its data. */
  configMaps(): Promise<Array<{ name: string; data: Record<string, string> }>>;
  /** Every container (init containers included) of the release's live pods, as specified. */
  containerSpecs(): Promise<ContainerSpec[]>;
  uninstall(opts?: UninstallOptions): Promise<void>;
}

export interface UninstallOptions {
  /** Keep the StatefulSets' claims (and the Secrets Helm keeps), for a reinstall that finds the data. */
  keepVolumes?: boolean;
  /** false: return once Helm has deleted the objects; pods finish terminating in the background. Only for a release
   * whose namespace is not reused at once (a reinstall under the same name must wait). Default true. */
  wait?: boolean;
}

export interface Cluster {
  install(opts: InstallOptions): Promise<Release>;
  /** The namespace `install` puts a release into when none is given. */
  namespaceOf(release: string): string;
  /** Remove everything this driver created: the releases still installed, their volumes, the namespaces it made. */
  destroy(): Promise<void>;
}
