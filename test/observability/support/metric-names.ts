/** Metric names a PromQL expression reads: every identifier followed by a selector `{`. */
export function metricNames(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]!);
}

/** Metrics of kube-state-metrics (not of redis_exporter) that the backup alerts and panels read. */
export const KUBE_STATE_METRICS = new Set([
  'kube_job_status_failed',
  'kube_job_owner',
  'kube_cronjob_info',
  'kube_cronjob_created',
  'kube_cronjob_next_schedule_time',
  'kube_cronjob_status_last_schedule_time',
  'kube_cronjob_status_last_successful_time',
]);

/** Metrics only redis_exporter releases newer than Debian's 1.45 emit. Empty: everything used is in 1.45. */
export const NEWER_EXPORTER_ONLY = new Set<string>();
