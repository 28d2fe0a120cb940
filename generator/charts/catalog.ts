import { group, toSchema, type Group, type JsonSchema } from '../model/dsl.ts';
import { globalModel } from '../model/common.ts';
import { serverModel } from '../model/server.ts';
import { sentinelModel } from '../model/sentinel.ts';
import { exporterModel } from '../model/exporter.ts';
import { alertsModel } from '../model/alerts.ts';
import { backupModel } from '../model/backup.ts';

export interface ComponentChart {
  name: string;
  /** Key of this component's values in the umbrella chart. */
  alias: 'server' | 'sentinel' | 'exporter' | 'alerts' | 'backup';
  version: string;
  description: string;
  keywords: string[];
  model: Group;
}

export interface UmbrellaChart {
  name: 'redis';
  version: string;
  description: string;
  keywords: string[];
  components: ComponentChart[];
}

/** Version of the Redis the charts deploy by default (Chart.yaml appVersion). */
export const APP_VERSION = '7.4.2';

export const components: ComponentChart[] = [
  {
    name: 'redis-server', alias: 'server', version: '0.3.0', model: serverModel,
    description: 'Redis or Valkey data nodes: standalone, or a master with replicas, with persistence, auth and a master endpoint.',
    keywords: ['redis', 'valkey', 'statefulset', 'replication'],
  },
  {
    name: 'redis-sentinel', alias: 'sentinel', version: '0.3.0', model: sentinelModel,
    description: 'Redis Sentinel for automatic failover of redis-server data nodes.',
    keywords: ['redis', 'valkey', 'sentinel', 'high-availability'],
  },
  {
    name: 'redis-exporter', alias: 'exporter', version: '0.3.0', model: exporterModel,
    description: 'Prometheus redis_exporter scraping every Redis and Sentinel pod, with a ServiceMonitor.',
    keywords: ['redis', 'prometheus', 'exporter', 'metrics'],
  },
  {
    name: 'redis-alerts', alias: 'alerts', version: '0.3.0', model: alertsModel,
    description: 'Tested Prometheus alert rules and a Grafana dashboard for Redis, Sentinel and backups.',
    keywords: ['redis', 'prometheus', 'alerts', 'grafana'],
  },
  {
    name: 'redis-backup', alias: 'backup', version: '0.3.0', model: backupModel,
    description: 'Verified RDB backups to any rclone remote (S3, GCS, Azure Blob, PVC) with retention, and the restore path.',
    keywords: ['redis', 'backup', 'restore', 'rclone', 's3'],
  },
];

export const umbrella: UmbrellaChart = {
  name: 'redis',
  version: '0.3.0',
  description: 'Redis or Valkey on Kubernetes from one profile: data nodes, Sentinel HA, metrics, alerts and backups.',
  keywords: ['redis', 'valkey', 'sentinel', 'prometheus', 'backup'],
  components,
};

/** Values model of a component chart installed on its own: its fields plus `global`. */
export function componentValuesModel(chart: ComponentChart): Group {
  return group(chart.description, { global: globalModel, ...chart.model.fields });
}

/** Values model of the umbrella chart: `global` plus one key per component. */
export function umbrellaValuesModel(): Group {
  return group(umbrella.description, {
    global: globalModel,
    ...Object.fromEntries(components.map((c) => [c.alias, c.model])),
  });
}

/**
 * JSON Schema of the umbrella values. Helm copies `global` into every subchart's values before it
 * validates them, so each component accepts a `global` key here too.
 */
export function umbrellaSchema(): JsonSchema {
  const schema = toSchema(umbrellaValuesModel()) as { properties: Record<string, { properties: Record<string, JsonSchema> }> };
  for (const c of components) {
    schema.properties[c.alias]!.properties.global = { type: 'object', description: 'Copied here by Helm from the top-level `global`; set `global` at the top level.' };
  }
  return schema;
}
