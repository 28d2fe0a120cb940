import { bool, group, num, oneOf, str, stringMap, type Group } from './dsl.ts';
import { DURATION, LABEL_KEY, enabledField, labelMap } from './common.ts';

const duration = (def: string, description: string) => str(def, description, { constraints: { pattern: DURATION } });

const rule = (description: string, forDuration: string, severity: 'critical' | 'warning', threshold?: { value: number; text: string }) =>
  group(description, {
    enabled: bool(true, 'Enable this alert.'),
    ...(threshold === undefined ? {} : { threshold: num(threshold.value, threshold.text, { constraints: { minimum: 0 } }) }),
    for: duration(forDuration, 'How long the condition must hold before the alert fires.'),
    severity: oneOf(['critical', 'warning', 'info'], severity, 'Severity label.'),
  });

export const alertsModel = group('Alert rules (PrometheusRule, and a plain rules file) and a Grafana dashboard.', {
  enabled: enabledField(false, 'alert rules and the dashboard'),
  prometheusRule: group('PrometheusRule for the Prometheus Operator. Created only where the cluster serves monitoring.coreos.com/v1 PrometheusRule; otherwise NOTES say it was skipped.', {
    enabled: bool(true, 'Create a PrometheusRule.'),
    labels: labelMap({}, 'Extra labels so your Prometheus selects it, e.g. `release: kube-prometheus-stack`.'),
  }),
  rulesConfigMap: bool(true, 'Also ship the same rules as a plain Prometheus rules file (`redis-rules.yaml`) in a ConfigMap.'),
  runbookUrl: str('https://github.com/redis-charts/redis-charts/blob/main/charts/redis-alerts/README.md', 'Base URL of the runbook; each alert links to its anchor.'),
  exporterJob: str('', 'Prometheus `job` label of the exporter\'s series; empty uses `<release>-exporter`, as the redis-exporter chart sets it.'),
  backupCronJob: str('', 'Name of the backup CronJob watched by the backup alerts (kube-state-metrics); empty uses `<release>-backup`.'),
  rateWindow: duration('5m', 'Window of rate() and increase() in the rules: at least four scrape intervals.'),
  failoverWindow: duration('1h', 'Window in which failovers are counted.'),
  rules: group('Every alert: its switch, threshold, `for` and severity.', {
    redisDown: rule('A data node does not answer the exporter.', '1m', 'critical'),
    noMaster: rule('Data nodes answer, but none is master.', '1m', 'critical'),
    multipleMasters: rule('More than one data node is master (split brain).', '1m', 'critical'),
    replicaLinkDown: rule('A replica lost its link to the master.', '2m', 'warning'),
    replicationLag: rule('A replica is behind the master by more than a byte threshold.', '5m', 'warning', { value: 10485760, text: 'Bytes.' }),
    memoryHigh: rule('Used memory over a share of maxmemory.', '5m', 'warning', { value: 0.9, text: 'Share of maxmemory (0-1).' }),
    hitRateLow: rule('Keyspace hit rate under a threshold (only while there are lookups).', '10m', 'warning', { value: 0.7, text: 'Hit rate (0-1).' }),
    clientsNearMax: rule('Connected clients over a share of maxclients.', '5m', 'warning', { value: 0.85, text: 'Share of maxclients (0-1).' }),
    clientsHigh: rule('Connected clients over an absolute number.', '5m', 'warning', { value: 5000, text: 'Clients.' }),
    rejectedConnections: rule('Connections were rejected (maxclients reached) within `rateWindow`.', '0m', 'warning'),
    evictions: rule('Keys are evicted faster than a rate.', '5m', 'warning', { value: 0, text: 'Evicted keys per second.' }),
    rdbSaveFailed: rule('The last RDB save failed.', '1m', 'critical'),
    aofWriteFailed: rule('The last AOF write failed.', '1m', 'critical'),
    sentinelDown: rule('A sentinel does not answer the exporter.', '1m', 'warning'),
    sentinelMasterNotOk: rule('A sentinel sees the master as down.', '1m', 'critical'),
    sentinelNoQuorum: rule('A sentinel cannot reach the quorum to authorize a failover (SENTINEL CKQUORUM).', '1m', 'critical'),
    sentinelTilt: rule('A sentinel is in TILT mode.', '1m', 'warning'),
    frequentFailovers: rule('The master changed at least `threshold` times within `failoverWindow`.', '0m', 'warning', { value: 2, text: 'Failovers.' }),
    backupFailed: rule('A Job of the backup CronJob failed (kube-state-metrics).', '0m', 'critical'),
    backupMissing: rule('No successful backup for longer than `threshold` schedule periods (kube-state-metrics).', '5m', 'critical', { value: 2, text: 'Schedule periods.' }),
  }),
  dashboard: group('Grafana dashboard ConfigMap for the Grafana sidecar.', {
    enabled: bool(true, 'Ship the dashboard.'),
    label: str('grafana_dashboard', 'Label the Grafana sidecar watches.', { constraints: { pattern: LABEL_KEY } }),
    labelValue: str('1', 'Value of that label.'),
    folder: str('Redis', 'Grafana folder (annotation `grafana_folder`).'),
  }),
});
