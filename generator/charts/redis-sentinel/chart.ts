import { sentinelModel } from '../../model/sentinel.ts';
import type { ComponentChart } from '../chart.ts';

export const sentinelChart: ComponentChart = {
  name: 'redis-sentinel',
  alias: 'sentinel',
  version: '0.4.0',
  description: 'Redis Sentinel for automatic failover of redis-server data nodes.',
  keywords: ['redis', 'valkey', 'sentinel', 'high-availability'],
  model: sentinelModel,
  ciValues: { global: { topology: { dataNodes: 3, sentinels: 3 } } },
  sharedScripts: true,
  notInstalledAlone: 'It monitors the data nodes redis-server runs and reads the password Secret that chart creates: on its own it waits for a master that never comes.',
};
