import { backupModel } from '../../model/backup.ts';
import type { ComponentChart } from '../chart.ts';

export const backupChart: ComponentChart = {
  name: 'redis-backup',
  alias: 'backup',
  version: '0.4.0',
  description: 'Verified RDB backups to any rclone remote (S3, GCS, Azure Blob, PVC) with retention, and the restore path.',
  keywords: ['redis', 'backup', 'restore', 'rclone', 's3'],
  model: backupModel,
  ciValues: { schedule: '0 */6 * * *' },
  sharedScripts: true,
};
