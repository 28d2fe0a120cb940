import { serverModel } from '../../model/server.ts';
import type { ComponentChart } from '../chart.ts';

export const serverChart: ComponentChart = {
  name: 'redis-server',
  alias: 'server',
  version: '0.4.0',
  description: 'Redis or Valkey data nodes: standalone, or a master with replicas, with persistence, auth and a master endpoint.',
  keywords: ['redis', 'valkey', 'statefulset', 'replication'],
  model: serverModel,
  ciValues: { global: { topology: { dataNodes: 2 } } },
  sharedScripts: true,
};
