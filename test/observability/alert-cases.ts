import { stringify } from 'yaml';

/**
 * One promtool unit test per alert of the HA profile rendered as release "redis" in namespace "default":
 * input that fires it (with the exact labels and annotations expected) and input that must not.
 */

type Labels = Record<string, string>;

interface Series {
  metric: string;
  labels: Labels;
  values: string;
}

interface AlertCase {
  alert: string;
  fires: Series[];
  /** Labels of the firing alert, besides severity. */
  labels: Labels;
  severity: 'critical' | 'warning';
  summary: string;
  description: string;
  quiet: Series[];
  /** Evaluation time; long enough for the default `for`. */
  at?: string;
}

export const RUNBOOK = 'https://github.com/redis-charts/redis-charts/blob/main/charts/redis-alerts/README.md';
const INTERVAL = '1m';
const EVAL_AT = '15m';

const exporter = { job: 'redis-exporter', namespace: 'default' };
const fqdn = (pod: string, svc: string, port: number) => `${pod}.${svc}.default.svc.cluster.local:${port}`;
const node = (i: number): Labels => ({ ...exporter, component: 'server', pod: `redis-${i}`, instance: fqdn(`redis-${i}`, 'redis-headless', 6379) });
const sentinel = (i: number): Labels => ({ ...exporter, component: 'sentinel', pod: `redis-sentinel-${i}`, instance: fqdn(`redis-sentinel-${i}`, 'redis-sentinel-headless', 26379) });
const ksm = { job: 'kube-state-metrics', namespace: 'default' };
const s = (metric: string, labels: Labels, values: string): Series => ({ metric, labels, values });
const master = (address: string, status: string): Labels => ({ ...sentinel(0), master_name: 'mymaster', master_address: address, master_status: status });
const link = { master_host: 'redis-0.redis-headless.default.svc.cluster.local', master_port: '6379' };
const replica = { slave_ip: '10.0.0.12', slave_port: '6379', slave_state: 'online' };
const backupJob = { ...ksm, job_name: 'redis-backup-29436480' };
const owner = (name: string) => ({ ...backupJob, owner_kind: 'CronJob', owner_name: name, owner_is_controller: 'true' });
const cronjob = { ...ksm, cronjob: 'redis-backup' };

export const ALERT_CASES: AlertCase[] = [
  {
    alert: 'RedisDown', severity: 'critical', labels: node(0),
    fires: [s('redis_up', node(0), '0x20'), s('redis_up', sentinel(0), '1x20')],
    quiet: [s('redis_up', node(0), '1x20'), s('redis_up', sentinel(0), '0x20')],
    summary: 'Redis redis-0 is down',
    description: `The exporter cannot reach Redis at ${node(0).instance} (pod redis-0).`,
  },
  {
    alert: 'RedisNoMaster', severity: 'critical', labels: { namespace: 'default' },
    fires: [s('redis_up', node(1), '1x20'), s('redis_instance_info', { ...node(1), role: 'slave' }, '1x20')],
    quiet: [s('redis_up', node(1), '1x20'), s('redis_instance_info', { ...node(1), role: 'master' }, '1x20')],
    summary: 'No Redis master in default',
    description: '1 data nodes answer, and none of them is master: writes fail.',
  },
  {
    alert: 'RedisMultipleMasters', severity: 'critical', labels: { namespace: 'default' },
    fires: [s('redis_instance_info', { ...node(0), role: 'master' }, '1x20'), s('redis_instance_info', { ...node(1), role: 'master' }, '1x20')],
    quiet: [s('redis_instance_info', { ...node(0), role: 'master' }, '1x20'), s('redis_instance_info', { ...node(1), role: 'slave' }, '1x20')],
    summary: '2 Redis masters in default (split brain)',
    description: 'More than one data node reports role master: clients may write to different masters.',
  },
  {
    alert: 'RedisReplicaLinkDown', severity: 'warning', labels: { ...node(1), ...link },
    fires: [s('redis_master_link_up', { ...node(1), ...link }, '0x20')],
    quiet: [s('redis_master_link_up', { ...node(1), ...link }, '1x20')],
    summary: 'Replica redis-1 lost its master link',
    description: 'Replica redis-1 is not connected to its master redis-0.redis-headless.default.svc.cluster.local:6379.',
  },
  {
    alert: 'RedisReplicationLag', severity: 'warning', labels: { ...node(0), ...replica },
    fires: [s('redis_master_repl_offset', node(0), '21971520x20'), s('redis_connected_slave_offset_bytes', { ...node(0), ...replica }, '1000000x20')],
    quiet: [s('redis_master_repl_offset', node(0), '21971520x20'), s('redis_connected_slave_offset_bytes', { ...node(0), ...replica }, '21000000x20')],
    summary: 'Replica 10.0.0.12 lags behind master redis-0',
    description: 'Replica 10.0.0.12:6379 is 20MiB behind master redis-0.',
  },
  {
    alert: 'RedisMemoryHigh', severity: 'warning', labels: node(0),
    fires: [s('redis_memory_used_bytes', node(0), '95x20'), s('redis_memory_max_bytes', node(0), '100x20')],
    quiet: [s('redis_memory_used_bytes', node(0), '50x20'), s('redis_memory_max_bytes', node(0), '100x20'),
      s('redis_memory_used_bytes', node(1), '95x20'), s('redis_memory_max_bytes', node(1), '0x20')],
    summary: 'Redis redis-0 memory near maxmemory',
    description: 'Redis redis-0 uses 95% of maxmemory.',
  },
  {
    alert: 'RedisHitRateLow', severity: 'warning', labels: node(0),
    fires: [s('redis_keyspace_hits_total', node(0), '0+60x20'), s('redis_keyspace_misses_total', node(0), '0+60x20')],
    quiet: [s('redis_keyspace_hits_total', node(0), '0+60x20'), s('redis_keyspace_misses_total', node(0), '0+6x20'),
      s('redis_keyspace_hits_total', node(1), '0x20'), s('redis_keyspace_misses_total', node(1), '0x20')],
    summary: 'Redis redis-0 hit rate is low',
    description: 'Only 50% of key lookups on redis-0 find their key.',
  },
  {
    alert: 'RedisClientsNearMax', severity: 'warning', labels: node(0),
    fires: [s('redis_connected_clients', node(0), '90x20'), s('redis_config_maxclients', node(0), '100x20')],
    quiet: [s('redis_connected_clients', node(0), '50x20'), s('redis_config_maxclients', node(0), '100x20')],
    summary: 'Redis redis-0 clients near maxclients',
    description: 'Redis redis-0 has 90% of maxclients connected.',
  },
  {
    alert: 'RedisClientsHigh', severity: 'warning', labels: node(0),
    fires: [s('redis_connected_clients', node(0), '6000x20')],
    quiet: [s('redis_connected_clients', node(0), '4000x20'), s('redis_connected_clients', sentinel(0), '6000x20')],
    summary: 'Redis redis-0 has many clients',
    description: 'Redis redis-0 has 6000 connected clients.',
  },
  {
    alert: 'RedisRejectedConnections', severity: 'warning', labels: node(0),
    fires: [s('redis_rejected_connections_total', node(0), '0+5x20')],
    quiet: [s('redis_rejected_connections_total', node(0), '7x20')],
    summary: 'Redis redis-0 rejects connections',
    description: 'Redis redis-0 rejected 25 connections recently (maxclients reached).',
  },
  {
    alert: 'RedisEvictions', severity: 'warning', labels: node(0),
    fires: [s('redis_evicted_keys_total', node(0), '0+60x20')],
    quiet: [s('redis_evicted_keys_total', node(0), '100x20')],
    summary: 'Redis redis-0 evicts keys',
    description: 'Redis redis-0 evicts 1 keys per second to stay under maxmemory.',
  },
  {
    alert: 'RedisRdbSaveFailed', severity: 'critical', labels: node(0),
    fires: [s('redis_rdb_last_bgsave_status', node(0), '0x20')],
    quiet: [s('redis_rdb_last_bgsave_status', node(0), '1x20')],
    summary: 'Redis redis-0 RDB save failed',
    description: 'The last background RDB save of redis-0 failed; with stop-writes-on-bgsave-error it refuses writes.',
  },
  {
    alert: 'RedisAofWriteFailed', severity: 'critical', labels: node(0),
    fires: [s('redis_aof_last_write_status', node(0), '0x20')],
    quiet: [s('redis_aof_last_write_status', node(0), '1x20')],
    summary: 'Redis redis-0 AOF write failed',
    description: 'The last append-only file write of redis-0 failed.',
  },
  {
    alert: 'RedisSentinelDown', severity: 'warning', labels: sentinel(1),
    fires: [s('redis_up', sentinel(1), '0x20'), s('redis_up', node(0), '1x20')],
    quiet: [s('redis_up', sentinel(1), '1x20'), s('redis_up', node(0), '0x20')],
    summary: 'Sentinel redis-sentinel-1 is down',
    description: `The exporter cannot reach Sentinel at ${sentinel(1).instance} (pod redis-sentinel-1).`,
  },
  {
    alert: 'RedisSentinelMasterNotOk', severity: 'critical', labels: master('redis-0.redis-headless.default.svc.cluster.local:6379', 'sdown'),
    fires: [s('redis_sentinel_master_status', master('redis-0.redis-headless.default.svc.cluster.local:6379', 'sdown'), '0x20')],
    quiet: [s('redis_sentinel_master_status', master('redis-0.redis-headless.default.svc.cluster.local:6379', 'ok'), '1x20'),
      s('redis_sentinel_master_status', { ...master('other:6379', 'sdown'), master_name: 'other' }, '0x20')],
    summary: 'Sentinel redis-sentinel-0 sees master mymaster as sdown',
    description: 'Sentinel redis-sentinel-0 reports master redis-0.redis-headless.default.svc.cluster.local:6379 of mymaster with status sdown.',
  },
  {
    alert: 'RedisSentinelNoQuorum', severity: 'critical',
    labels: { ...sentinel(0), master_name: 'mymaster', message: 'NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master' },
    fires: [s('redis_sentinel_master_ckquorum_status', { ...sentinel(0), master_name: 'mymaster', message: 'NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master' }, '0x20')],
    quiet: [s('redis_sentinel_master_ckquorum_status', { ...sentinel(0), master_name: 'mymaster', message: 'OK 3 usable Sentinels. Quorum and failover authorization can be reached' }, '1x20')],
    summary: 'Sentinel redis-sentinel-0 cannot reach quorum for mymaster',
    description: 'SENTINEL CKQUORUM on redis-sentinel-0: NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master',
  },
  {
    alert: 'RedisSentinelTilt', severity: 'warning', labels: sentinel(2),
    fires: [s('redis_sentinel_tilt', sentinel(2), '1x20')],
    quiet: [s('redis_sentinel_tilt', sentinel(2), '0x20')],
    summary: 'Sentinel redis-sentinel-2 is in TILT mode',
    description: 'Sentinel redis-sentinel-2 saw its clock jump or stall and stopped acting for 30 seconds or more.',
  },
  {
    alert: 'RedisFrequentFailovers', severity: 'warning', labels: { namespace: 'default', master_name: 'mymaster' },
    fires: [s('redis_sentinel_master_status', master('redis-0:6379', 'ok'), '1x5 _x15'), s('redis_sentinel_master_status', master('redis-1:6379', 'ok'), '_x6 1x4 _x10'),
      s('redis_sentinel_master_status', master('redis-2:6379', 'ok'), '_x11 1x9')],
    quiet: [s('redis_sentinel_master_status', master('redis-0:6379', 'ok'), '1x5 _x15'), s('redis_sentinel_master_status', master('redis-1:6379', 'ok'), '_x6 1x14')],
    summary: 'Master mymaster failed over 2 times',
    description: 'The master of mymaster changed 2 times within 1h.',
  },
  {
    alert: 'RedisBackupFailed', severity: 'critical', labels: backupJob,
    fires: [s('kube_job_status_failed', backupJob, '1x20'), s('kube_job_owner', owner('redis-backup'), '1x20')],
    quiet: [s('kube_job_status_failed', backupJob, '1x20'), s('kube_job_owner', owner('other-backup'), '1x20')],
    summary: 'Redis backup Job redis-backup-29436480 failed',
    description: 'Backup Job redis-backup-29436480 in default failed; read its pod logs.',
  },
  {
    // time() counts from 0: with a 300 s schedule period and the last success at 100, the condition holds from 12m.
    alert: 'RedisBackupMissing', severity: 'critical', labels: cronjob, at: '20m',
    fires: [s('kube_cronjob_status_last_successful_time', cronjob, '100x30'), s('kube_cronjob_status_last_schedule_time', cronjob, '700x30'),
      s('kube_cronjob_next_schedule_time', cronjob, '1000x30'), s('kube_cronjob_created', cronjob, '0x30')],
    quiet: [s('kube_cronjob_status_last_successful_time', cronjob, '700x30'), s('kube_cronjob_status_last_schedule_time', cronjob, '700x30'),
      s('kube_cronjob_next_schedule_time', cronjob, '1000x30'), s('kube_cronjob_created', cronjob, '0x30')],
    summary: 'No successful Redis backup from redis-backup',
    description: 'CronJob redis-backup has had no successful run for more than 2 schedule periods.',
  },
];

/** Never-succeeded backups fire too: no last_successful_time at all. */
const NEVER_SUCCEEDED: Series[] = [
  s('kube_cronjob_status_last_schedule_time', cronjob, '700x30'), s('kube_cronjob_next_schedule_time', cronjob, '1000x30'), s('kube_cronjob_created', cronjob, '0x30'),
];

const seriesText = (x: Series) => `${x.metric}{${Object.entries(x.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
const input = (series: Series[]) => series.map((x) => ({ series: seriesText(x), values: x.values }));

function expected(c: AlertCase) {
  return {
    exp_labels: { ...c.labels, severity: c.severity },
    exp_annotations: { summary: c.summary, description: c.description, runbook_url: `${RUNBOOK}#${c.alert.toLowerCase()}` },
  };
}

/** The promtool test file for a rules file named `rulesFile`. */
export function promtoolTestFile(rulesFile: string): string {
  const tests = ALERT_CASES.flatMap((c) => [
    { name: `${c.alert} fires`, interval: INTERVAL, input_series: input(c.fires),
      alert_rule_test: [{ eval_time: c.at ?? EVAL_AT, alertname: c.alert, exp_alerts: [expected(c)] }] },
    { name: `${c.alert} stays quiet`, interval: INTERVAL, input_series: input(c.quiet),
      alert_rule_test: [{ eval_time: c.at ?? EVAL_AT, alertname: c.alert, exp_alerts: [] }] },
  ]);
  const backup = ALERT_CASES.find((c) => c.alert === 'RedisBackupMissing')!;
  tests.push({ name: 'RedisBackupMissing fires when no backup ever succeeded', interval: INTERVAL, input_series: input(NEVER_SUCCEEDED),
    alert_rule_test: [{ eval_time: backup.at!, alertname: backup.alert, exp_alerts: [{ ...expected(backup) }] }] });
  return stringify({ rule_files: [rulesFile], evaluation_interval: INTERVAL, tests });
}
