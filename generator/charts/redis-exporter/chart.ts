import { exporterModel } from '../../model/exporter.ts';
import type { ComponentChart } from '../chart.ts';

export const exporterChart: ComponentChart = {
  name: 'redis-exporter',
  alias: 'exporter',
  version: '0.4.0',
  description: 'Prometheus redis_exporter scraping every Redis and Sentinel pod, with a ServiceMonitor.',
  keywords: ['redis', 'prometheus', 'exporter', 'metrics'],
  model: exporterModel,
  // On its own the exporter scrapes a Redis elsewhere; without the server chart there is no password Secret to read.
  ciValues: { serviceMonitor: { enabled: false }, global: { auth: { enabled: false } } },
  sharedScripts: false,
};
