/** The prometheus-operator kinds the charts create only where the cluster serves them (Capabilities.APIVersions). */
export const MONITORING_API_VERSIONS: readonly string[] = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].map((kind) => `monitoring.coreos.com/v1/${kind}`);

/** `helm template` arguments that make the chart see these APIs as served, as on a cluster that has them. */
export const apiVersionArgs = (apiVersions: readonly string[]): string[] => apiVersions.flatMap((v) => ['--api-versions', v]);
