export { KubeCluster, DEFAULT_KIND_CLUSTER, NAMESPACE_LABEL, type KubeClusterOptions } from './cluster.ts';
export { KubeRelease } from './release.ts';
export { CommandRunner, CommandFailedError, WaitTimeoutError, formatStep, type Step, type Tool, type RunMode } from './plan.ts';
export { ClusterUnsupportedError, CUT_LABEL } from './network-cut.ts';
export { missingKindPrerequisites, describeMissing, KIND_SKIP_HINT, type KindPrerequisite } from './availability.ts';
