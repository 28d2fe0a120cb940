/**
 * The Grafana dashboard shipped by the redis-alerts chart, authored as data. The generator writes it to
 * charts/redis-alerts/files/dashboard.json; the chart puts it in a ConfigMap for the Grafana sidecar.
 */

export interface Target {
  expr: string;
  legendFormat: string;
}

export interface Panel {
  id: number;
  title: string;
  description: string;
  type: 'timeseries' | 'stat' | 'gauge';
  unit: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Target[];
}

/** Grafana template variables the expressions use, with a value that makes them plain PromQL. */
export const VARIABLE_SAMPLES: Record<string, string> = {
  '$__rate_interval': '1m',
  '$__range': '1h',
  '$namespace': 'default',
  '$job': 'redis-exporter',
  '$pod': '.*',
  '$cronjob': 'redis-backup',
};

const sel = (extra = '') => `job="$job",namespace="$namespace",pod=~"$pod"${extra}`;
const data = sel(',component!="sentinel"');
const sentinels = 'job="$job",namespace="$namespace",component="sentinel"';
const backup = 'namespace="$namespace",cronjob="$cronjob"';

interface PanelSpec {
  title: string;
  description: string;
  type?: Panel['type'];
  unit?: string;
  width?: number;
  targets: [expr: string, legend: string][];
}

const rows: PanelSpec[][] = [
  [
    { title: 'Up', description: 'redis_up per data node and sentinel: 0 means the exporter cannot reach it.', type: 'stat', unit: 'none', width: 8,
      targets: [[`redis_up{${sel()}}`, '{{pod}}']] },
    { title: 'Role', description: 'Role each data node reports (1 = master).', type: 'stat', unit: 'none', width: 8,
      targets: [[`max by (pod) (redis_instance_info{${data},role="master"})`, '{{pod}} master'], [`max by (pod) (redis_instance_info{${data},role="slave"}) * 0`, '{{pod}} replica']] },
    { title: 'Memory used / maxmemory', description: 'Share of maxmemory in use; the memory alert fires over its threshold.', type: 'gauge', unit: 'percentunit', width: 8,
      targets: [[`redis_memory_used_bytes{${data}} / (redis_memory_max_bytes{${data}} > 0)`, '{{pod}}']] },
  ],
  [
    { title: 'Memory', description: 'Used memory against maxmemory.', unit: 'bytes',
      targets: [[`redis_memory_used_bytes{${data}}`, '{{pod}} used'], [`redis_memory_max_bytes{${data}}`, '{{pod}} max']] },
    { title: 'Keys', description: 'Keys over all databases.', unit: 'short',
      targets: [[`sum by (pod) (redis_db_keys{${data}})`, '{{pod}}'], [`sum by (pod) (redis_db_keys_expiring{${data}})`, '{{pod}} with TTL']] },
    { title: 'Commands per second', description: 'Commands processed per second.', unit: 'ops',
      targets: [[`rate(redis_commands_processed_total{${data}}[$__rate_interval])`, '{{pod}}']] },
  ],
  [
    { title: 'Hit rate', description: 'Share of key lookups that find their key.', unit: 'percentunit',
      targets: [[`rate(redis_keyspace_hits_total{${data}}[$__rate_interval]) / (rate(redis_keyspace_hits_total{${data}}[$__rate_interval]) + rate(redis_keyspace_misses_total{${data}}[$__rate_interval]))`, '{{pod}}']] },
    { title: 'Clients', description: 'Connected clients against maxclients, and rejected connections.', unit: 'short',
      targets: [[`redis_connected_clients{${data}}`, '{{pod}} connected'], [`redis_config_maxclients{${data}}`, '{{pod}} maxclients'],
        [`rate(redis_rejected_connections_total{${data}}[$__rate_interval])`, '{{pod}} rejected/s']] },
    { title: 'Evictions and expirations', description: 'Keys evicted under maxmemory and keys expired by TTL, per second.', unit: 'ops',
      targets: [[`rate(redis_evicted_keys_total{${data}}[$__rate_interval])`, '{{pod}} evicted'], [`rate(redis_expired_keys_total{${data}}[$__rate_interval])`, '{{pod}} expired']] },
  ],
  [
    { title: 'Replication lag', description: 'Bytes each replica is behind its master.', unit: 'bytes',
      targets: [[`redis_master_repl_offset{${data}} - ignoring (slave_ip, slave_port, slave_state) group_right redis_connected_slave_offset_bytes{${data}}`, '{{pod}} → {{slave_ip}}']] },
    { title: 'Replication links', description: 'Master link of each replica (1 = up) and replicas connected to each master.', unit: 'short',
      targets: [[`redis_master_link_up{${data}}`, '{{pod}} link'], [`redis_connected_slaves{${data}}`, '{{pod}} replicas']] },
    { title: 'Persistence', description: 'Last RDB save and AOF write status (1 = ok).', unit: 'none',
      targets: [[`redis_rdb_last_bgsave_status{${data}}`, '{{pod}} rdb'], [`redis_aof_last_write_status{${data}}`, '{{pod}} aof']] },
  ],
  [
    { title: 'Sentinel view of the master', description: 'Master status as each sentinel sees it (1 = ok), with the quorum check.', unit: 'none',
      targets: [[`redis_sentinel_master_status{${sentinels}}`, '{{pod}}: {{master_address}}'], [`redis_sentinel_master_ckquorum_status{${sentinels}}`, '{{pod}} quorum'],
        [`redis_sentinel_tilt{${sentinels}}`, '{{pod}} tilt']] },
    { title: 'Sentinel peers', description: 'Sentinels and replicas each sentinel sees as healthy.', unit: 'short',
      targets: [[`redis_sentinel_master_ok_sentinels{${sentinels}}`, '{{pod}} sentinels'], [`redis_sentinel_master_ok_slaves{${sentinels}}`, '{{pod}} replicas']] },
    { title: 'Failovers', description: 'Master changes seen by the sentinels within the dashboard range.', type: 'stat', unit: 'none',
      targets: [[`count by (master_name) (count by (master_name, master_address) (last_over_time(redis_sentinel_master_status{${sentinels}}[$__range]))) - 1`, '{{master_name}}']] },
  ],
  [
    { title: 'Backup age', description: 'Time since the last successful backup (kube-state-metrics).', type: 'stat', unit: 's', width: 12,
      targets: [[`time() - kube_cronjob_status_last_successful_time{${backup}}`, '{{cronjob}}']] },
    { title: 'Failed backup Jobs', description: 'Failed Jobs of the backup CronJob (kube-state-metrics).', type: 'stat', unit: 'none', width: 12,
      targets: [[`sum(kube_job_status_failed{namespace="$namespace"} and on (namespace, job_name) kube_job_owner{namespace="$namespace",owner_kind="CronJob",owner_name="$cronjob"})`, 'failed']] },
  ],
];

function layout(): Panel[] {
  let id = 0;
  return rows.flatMap((row, y) => {
    let x = 0;
    return row.map((p) => {
      const w = p.width ?? 8;
      const panel: Panel = {
        id: ++id, title: p.title, description: p.description, type: p.type ?? 'timeseries', unit: p.unit ?? 'short',
        gridPos: { x, y: y * 8, w, h: 8 },
        targets: p.targets.map(([expr, legendFormat]) => ({ expr, legendFormat })),
      };
      x += w;
      return panel;
    });
  });
}

const query = (name: string, label: string, q: string, extra: Record<string, unknown> = {}) => ({
  name, label, type: 'query', datasource: { type: 'prometheus', uid: '${datasource}' },
  query: { query: q, refId: name }, definition: q, refresh: 2, sort: 1, ...extra,
});

/** The dashboard JSON model (Grafana schema 39). The chart sets uid and title per release. */
export function dashboard(): Record<string, unknown> {
  return {
    uid: 'redis-charts',
    title: 'Redis',
    description: 'Redis and Sentinel from redis-charts: memory, keys, traffic, clients, replication, failovers and backups.',
    tags: ['redis', 'redis-charts'],
    schemaVersion: 39,
    version: 1,
    editable: false,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus' },
        query('namespace', 'Namespace', 'label_values(redis_up, namespace)'),
        query('job', 'Release', 'label_values(redis_up{namespace="$namespace"}, job)'),
        query('pod', 'Pod', 'label_values(redis_up{namespace="$namespace",job="$job"}, pod)', { multi: true, includeAll: true, allValue: '.*' }),
        query('cronjob', 'Backup CronJob', 'label_values(kube_cronjob_info{namespace="$namespace"}, cronjob)'),
      ],
    },
    panels: layout().map((p) => ({
      id: p.id, title: p.title, description: p.description, type: p.type, gridPos: p.gridPos,
      datasource: { type: 'prometheus', uid: '${datasource}' },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      targets: p.targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), expr: t.expr, legendFormat: t.legendFormat })),
    })),
  };
}

/** Every PromQL expression of the dashboard: panel targets and variable queries. */
export function dashboardExpressions(): string[] {
  const d = dashboard() as { panels: { targets: { expr: string }[] }[] };
  return d.panels.flatMap((p) => p.targets.map((t) => t.expr));
}

/** Variable queries are `label_values(<selector>, label)`: the selectors are PromQL. */
export function variableSelectors(): string[] {
  const d = dashboard() as { templating: { list: { query: unknown }[] } };
  return d.templating.list.flatMap((v) => {
    const q = typeof v.query === 'object' && v.query !== null ? (v.query as { query: string }).query : '';
    const m = /^label_values\((.+), \w+\)$/.exec(q);
    return m ? [m[1]!] : [];
  });
}
