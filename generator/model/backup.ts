import { bool, group, int, oneOf, str, stringMap, type Group } from './dsl.ts';
import { PINNED_TAG, CRON, QUANTITY, enabledField, resourcesModel } from './common.ts';

export const backupModel: Group = group('Scheduled RDB backups: stream from a healthy node, verify, compress, upload with rclone, keep history.', {
  enabled: enabledField(false, 'scheduled backups'),
  schedule: str('0 */6 * * *', 'Cron schedule.', { constraints: { pattern: CRON } }),
  suspend: bool(false, 'Suspend the CronJob.'),
  activeDeadlineSeconds: int(3600, 'Deadline of one backup run.', { constraints: { minimum: 60 } }),
  startingDeadlineSeconds: int(600, 'Seconds a missed run may still start.', { constraints: { minimum: 10 } }),
  backoffLimit: int(1, 'Retries of a failed run.', { constraints: { minimum: 0 } }),
  rcloneImage: group('rclone image.', {
    repository: str('rclone/rclone', 'Image repository.'),
    tag: str('1.68.2', 'Image tag.', { constraints: PINNED_TAG }),
  }),
  remote: group('Where backups go: any rclone remote.', {
    type: oneOf(['s3', 'gcs', 'azureblob', 'local'], 'local', 'Remote kind; `local` writes to the backup PVC only.'),
    path: str('redis-backups', 'Bucket/container and prefix, e.g. `my-bucket/redis/prod`.'),
    existingSecret: str('', 'Secret with key `rclone.conf` defining a remote named `remote`; empty renders one from the settings below.'),
    s3: group('S3 and S3-compatible settings (used when no existingSecret).', {
      provider: str('AWS', 'rclone S3 provider (AWS, Minio, Ceph, Other...).'),
      region: str('us-east-1', 'Region.'),
      endpoint: str('', 'Endpoint URL for S3-compatible servers.'),
      accessKeyId: str('', 'Access key id; prefer existingSecret or env_auth (IRSA).'),
      secretAccessKey: str('', 'Secret access key.'),
      envAuth: bool(false, 'Take credentials from the environment or the pod identity.'),
    }),
  }),
  retention: group('How many backups to keep and for how long.', {
    local: group('Copies on the backup PVC.', {
      keepLast: int(28, 'Always keep at least this many newest backups.', { constraints: { minimum: 1 } }),
      maxAgeDays: int(7, 'Delete older than this many days (beyond keepLast).', { constraints: { minimum: 1 } }),
    }),
    remote: group('Copies on the remote.', {
      keepLast: int(120, 'Always keep at least this many newest backups.', { constraints: { minimum: 1 } }),
      maxAgeDays: int(30, 'Delete older than this many days (beyond keepLast).', { constraints: { minimum: 1 } }),
    }),
  }),
  persistence: group('Local copy volume.', {
    enabled: bool(true, 'Keep local copies on a PVC.'),
    size: str('10Gi', 'Volume size.', { constraints: { pattern: QUANTITY } }),
    storageClass: str('', 'StorageClass name.'),
  }),
  resources: resourcesModel({ cpu: '100m', memory: '128Mi' }, { memory: '512Mi' }),
  podAnnotations: stringMap({}, 'Extra pod annotations.'),
});
