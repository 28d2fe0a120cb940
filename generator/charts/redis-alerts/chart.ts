import { alertsModel } from '../../model/alerts.ts';
import { dashboard } from '../../observability/dashboard.ts';
import type { ComponentChart } from '../chart.ts';

export const alertsChart: ComponentChart = {
  name: 'redis-alerts',
  alias: 'alerts',
  version: '0.4.0',
  description: 'Tested Prometheus alert rules and a Grafana dashboard for Redis, Sentinel and backups.',
  keywords: ['redis', 'prometheus', 'alerts', 'grafana'],
  model: alertsModel,
  ciValues: { prometheusRule: { enabled: false } },
  sharedScripts: false,
  // The Grafana dashboard is authored as data (generator/observability/dashboard.ts).
  generatedFiles: () => [{ name: 'dashboard.json', content: `${JSON.stringify(dashboard(), null, 2)}\n` }],
};
