import { bool, group, int, num, str, stringMap, type Group } from './dsl.ts';
import { DURATION, enabledField } from './common.ts';

const rule = (description: string, threshold: number | undefined, forDuration: string, severity: 'critical' | 'warning', thresholdText = 'Threshold.') =>
  group(description, {
    enabled: bool(true, 'Enable this alert.'),
    ...(threshold === undefined ? {} : { threshold: num(threshold, thresholdText) }),
    for: str(forDuration, 'How long the condition must hold.', { constraints: { pattern: DURATION } }),
    severity: str(severity, 'Severity label.'),
  });

export const alertsModel: Group = group('Alert rules (PrometheusRule, and a plain rules file) and a Grafana dashboard.', {
  enabled: enabledField(false, 'alert rules and the dashboard'),
  prometheusRule: group('PrometheusRule for the Prometheus Operator.', {
    enabled: bool(true, 'Create a PrometheusRule.'),
    labels: stringMap({}, 'Extra labels so your Prometheus selects it.'),
  }),
  rulesConfigMap: bool(true, 'Also ship the rules as a plain Prometheus rules file in a ConfigMap.'),
  runbookUrl: str('https://github.com/redis-charts/redis-charts/blob/main/charts/redis-alerts/README.md', 'Base URL of the runbook; each alert links to its anchor.'),
  exporterJob: str('', 'Prometheus `job` label of the exporter; empty uses `<release>-exporter`.'),
  rules: group('Alert thresholds and durations.', {
    redisDown: rule('A data node does not answer.', undefined, '1m', 'critical'),
    noMaster: rule('No data node is master.', undefined, '1m', 'critical'),
    multipleMasters: rule('More than one master (split brain).', undefined, '1m', 'critical'),
    replicaLinkDown: rule('A replica lost its link to the master.', undefined, '2m', 'warning'),
    replicationLag: rule('Replication lag over a byte threshold.', 10485760, '5m', 'warning', 'Bytes.'),
    memoryHigh: rule('Memory over a share of maxmemory.', 0.9, '5m', 'warning', 'Ratio of maxmemory (0-1).'),
    hitRateLow: rule('Keyspace hit rate under a threshold.', 0.7, '10m', 'warning', 'Ratio (0-1).'),
    clientsNearMax: rule('Connected clients over a share of maxclients.', 0.85, '5m', 'warning', 'Ratio of maxclients (0-1).'),
    clientsHigh: rule('Connected clients over an absolute number.', 5000, '5m', 'warning', 'Clients.'),
    rejectedConnections: rule('Connections are being rejected.', undefined, '1m', 'warning'),
    evictions: rule('Keys are being evicted.', 0, '5m', 'warning', 'Evictions per second.'),
    rdbSaveFailed: rule('The last RDB save failed.', undefined, '1m', 'critical'),
    aofWriteFailed: rule('AOF writes are failing.', undefined, '1m', 'critical'),
    sentinelDown: rule('A sentinel does not answer.', undefined, '1m', 'warning'),
    sentinelMasterNotOk: rule('Sentinel sees the master down or without quorum.', undefined, '1m', 'critical'),
    sentinelTilt: rule('A sentinel is in TILT mode.', undefined, '1m', 'warning'),
    frequentFailovers: rule('Failovers happen repeatedly.', 2, '0m', 'warning', 'Failovers within 1 hour.'),
    backupFailed: rule('The last backup Job failed.', undefined, '5m', 'critical'),
    backupMissing: rule('No successful backup for longer than two schedules.', 43200, '5m', 'critical', 'Seconds since the last successful backup.'),
  }),
  dashboard: group('Grafana dashboard ConfigMap for the Grafana sidecar.', {
    enabled: bool(true, 'Ship the dashboard.'),
    folder: str('Redis', 'Grafana folder (annotation `grafana_folder`).'),
    label: str('grafana_dashboard', 'Label the Grafana sidecar watches.'),
  }),
  backupJob: str('', 'Name of the backup CronJob watched by the backup alerts; empty uses `<release>-backup`.'),
  frequentFailoverWindow: str('1h', 'Window for counting failovers.', { constraints: { pattern: DURATION } }),
  scrapeInterval: int(30, 'Seconds between scrapes, used to size rate() windows.', { constraints: { minimum: 1 } }),
});
