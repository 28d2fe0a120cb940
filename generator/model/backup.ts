import { bool, group, int, oneOf, str, stringMap, type Group } from './dsl.ts';
import { PINNED_TAG, CRON, OBJECT_NAME, QUANTITY, annotationMap, enabledField, resourcesModel } from './common.ts';

const retention = (what: string, keepLast: number, maxAgeDays: number) => group(what, {
  keepLast: int(keepLast, 'Always keep at least this many newest backups, whatever their age.', { constraints: { minimum: 1 } }),
  maxAgeDays: int(maxAgeDays, 'Beyond keepLast, delete backups older than this many days.', { constraints: { minimum: 1 } }),
});

export const backupModel = group('Scheduled RDB backups: stream from a healthy node, verify, compress, upload with rclone, keep history.', {
  enabled: enabledField(false, 'scheduled backups'),
  schedule: str('0 */6 * * *', 'Cron schedule.', { constraints: { pattern: CRON } }),
  timeZone: str('', 'Time zone of the schedule (CronJob timeZone, e.g. `Etc/UTC`); empty uses the controller\'s.'),
  suspend: bool(false, 'Suspend the CronJob.'),
  activeDeadlineSeconds: int(3600, 'Deadline of one backup run.', { constraints: { minimum: 60 } }),
  startingDeadlineSeconds: int(600, 'Seconds a missed run may still start.', { constraints: { minimum: 10 } }),
  backoffLimit: int(1, 'Retries of a failed run.', { constraints: { minimum: 0 } }),
  successfulJobsHistoryLimit: int(3, 'Finished successful Jobs kept for their logs.', { constraints: { minimum: 0 } }),
  failedJobsHistoryLimit: int(3, 'Failed Jobs kept for their logs.', { constraints: { minimum: 0 } }),
  rcloneImage: group('rclone image (uploads, remote verification, retention).', {
    repository: str('rclone/rclone', 'Image repository.'),
    tag: str('1.68.2', 'Image tag.', { constraints: PINNED_TAG }),
  }),
  remote: group('Where backups go besides the local volume: any rclone remote.', {
    type: oneOf(['s3', 'gcs', 'azureblob', 'local'], 'local', 'Remote kind; `local` keeps backups on the backup volume only (needs persistence.enabled).'),
    path: str('redis-backups', 'Bucket/container and prefix on the remote, e.g. `my-bucket/redis/prod`. The restore side (server.restore.path) must name the same.'),
    existingSecret: str('', 'Secret with key `rclone.conf` defining an rclone remote named `remote`; empty renders `<release>-backup-remote` from the settings below.', { constraints: { pattern: OBJECT_NAME } }),
    s3: group('S3 and S3-compatible settings (type s3, no existingSecret).', {
      provider: str('AWS', 'rclone S3 provider (AWS, Minio, Ceph, Other...).'),
      region: str('us-east-1', 'Region.'),
      endpoint: str('', 'Endpoint URL for S3-compatible servers.'),
      forcePathStyle: bool(false, 'Path-style bucket URLs (most S3-compatible servers need it).'),
      accessKeyId: str('', 'Access key id; prefer existingSecret or envAuth (IRSA).'),
      secretAccessKey: str('', 'Secret access key.'),
      envAuth: bool(false, 'Take credentials from the environment or the pod identity (IRSA).'),
      serverSideEncryption: str('', 'Server-side encryption (`AES256` or `aws:kms`); empty for none.'),
    }),
    gcs: group('Google Cloud Storage settings (type gcs, no existingSecret).', {
      serviceAccountJson: str('', 'Service account key JSON; empty uses the pod identity (Workload Identity).'),
      bucketPolicyOnly: bool(true, 'Uniform bucket-level access.'),
    }),
    azureblob: group('Azure Blob settings (type azureblob, no existingSecret).', {
      account: str('', 'Storage account name.'),
      key: str('', 'Storage account key; empty uses the managed identity.'),
    }),
  }),
  retention: group('How many backups to keep and for how long (backups are named by their UTC time).', {
    local: retention('Copies on the backup volume.', 28, 7),
    remote: retention('Copies on the remote.', 120, 30),
  }),
  persistence: group('Backup volume: local copies, and the only store when remote.type is `local`. Kept when the release is uninstalled.', {
    enabled: bool(true, 'Keep local copies on a PVC.'),
    size: str('10Gi', 'Volume size.', { constraints: { pattern: QUANTITY } }),
    storageClass: str('', 'StorageClass name.', { constraints: { pattern: OBJECT_NAME } }),
    accessMode: oneOf(['ReadWriteOnce', 'ReadWriteMany'], 'ReadWriteOnce', 'Access mode; ReadWriteMany lets a restore read it from any node.'),
  }),
  scratchSizeLimit: str('', 'Size limit of the scratch emptyDir holding one dump while it is verified and compressed; empty for none.', { constraints: { pattern: `^$|${QUANTITY}` } }),
  serviceAccount: group('ServiceAccount of the backup pods: the identity a cloud (IRSA, GKE Workload Identity, Azure Workload Identity) maps to a role for `remote.*` with pod credentials.', {
    create: bool(true, 'Create the ServiceAccount.'),
    name: str('', 'Its name; empty uses `<release>-backup` when `create`, else the namespace\'s `default`.', { constraints: { pattern: OBJECT_NAME } }),
    annotations: annotationMap({}, 'Annotations of a created ServiceAccount, e.g. `eks.amazonaws.com/role-arn: arn:aws:iam::<account>:role/<role>` or `iam.gke.io/gcp-service-account: <sa>@<project>.iam.gserviceaccount.com`.'),
    automountServiceAccountToken: bool(false, 'Mount the Kubernetes API token in the backup pods. The backup never calls the API, and cloud identity webhooks inject their own projected token.'),
  }),
  resources: resourcesModel({ cpu: '100m', memory: '128Mi' }, { memory: '512Mi' }),
  podAnnotations: annotationMap({}, 'Extra pod annotations.'),
});
