import type { UmbrellaChart } from '../chart.ts';

/** The umbrella chart: its components (the catalog's) are its dependencies, copied into charts/redis/charts/. */
export const umbrellaChart: UmbrellaChart = {
  name: 'redis',
  version: '0.4.0',
  description: 'Redis or Valkey on Kubernetes from one profile: data nodes, Sentinel HA, metrics, alerts and backups.',
  keywords: ['redis', 'valkey', 'sentinel', 'prometheus', 'backup'],
  installCommand: 'helm install my-redis charts/redis -f values/ha-production.yaml',
};
