import { group, toSchema, type Group, type JsonSchema } from '../model/dsl.ts';
import { globalModel } from '../model/common.ts';
import type { ComponentChart, UmbrellaChart } from './chart.ts';
import { serverChart } from './redis-server/chart.ts';
import { sentinelChart } from './redis-sentinel/chart.ts';
import { exporterChart } from './redis-exporter/chart.ts';
import { alertsChart } from './redis-alerts/chart.ts';
import { backupChart } from './redis-backup/chart.ts';
import { umbrellaChart } from './redis/chart.ts';

/** Version of the Redis the charts deploy by default (Chart.yaml appVersion). */
export const APP_VERSION = '7.4.2';

/** The component charts, in the order the umbrella lists them. */
export const components: ComponentChart[] = [serverChart, sentinelChart, exporterChart, alertsChart, backupChart];

export const umbrella: UmbrellaChart = umbrellaChart;

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
