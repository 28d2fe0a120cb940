import { bool, group, int, oneOf, str, stringList, stringMap, free, type Group } from './dsl.ts';
import { PINNED_TAG, OBJECT_NAME, annotationMap, enabledField, pdbModel, probeModel, QUANTITY, resourcesModel, schedulingModel } from './common.ts';

const MEMORY = '^$|^[0-9]+(b|k|kb|m|mb|g|gb)?$';

export const serverModel = group('Redis data nodes (standalone, or one master with replicas).', {
  enabled: enabledField(true, 'the Redis data nodes'),
  config: group('redis.conf settings. The password is never written here; it is read from the Secret at start.', {
    maxmemory: str('', 'Memory limit for data, e.g. `256mb`; empty means none. Leave headroom under the container memory limit for fork and AOF rewrite.', { constraints: { pattern: MEMORY } }),
    maxmemoryPolicy: oneOf(['noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'], 'noeviction', 'Eviction policy when maxmemory is reached.'),
    save: stringList(['3600 1', '300 100', '60 10000'], 'RDB snapshot rules, each `<seconds> <changes>`; an empty list disables RDB snapshots.', { type: 'string', pattern: '^[0-9]+ [0-9]+$' }),
    appendonly: bool(false, 'Enable the append-only file (AOF).'),
    appendfsync: oneOf(['always', 'everysec', 'no'], 'everysec', 'AOF fsync policy.'),
    maxclients: int(10000, 'Maximum number of connected clients.', { constraints: { minimum: 1 } }),
    timeout: int(0, 'Close idle client connections after this many seconds (0 = never).', { constraints: { minimum: 0 } }),
    tcpKeepalive: int(300, 'TCP keepalive in seconds.', { constraints: { minimum: 0 } }),
    ioThreads: int(1, 'I/O threads (Redis `io-threads`).', { constraints: { minimum: 1, maximum: 128 } }),
    lazyfree: bool(true, 'Free memory in the background (lazyfree-lazy-eviction, -expire, -server-del, replica-lazy-flush, lazyfree-lazy-user-del).'),
    disabledCommands: stringList([], 'Commands clients may not run (e.g. FLUSHDB, FLUSHALL, CONFIG). Implemented with ACLs, so operators keep them through the admin scripts.', { type: 'string', pattern: '^[A-Za-z|-]+$' }),
    replDisklessSync: bool(true, 'Diskless replication: stream the RDB to replicas over the socket.'),
    replDisklessSyncDelay: int(0, 'Seconds to wait for more replicas before a diskless full sync starts.', { constraints: { minimum: 0 } }),
    minReplicasToWrite: int(0, 'A master refuses writes with fewer replicas than this in sync (bounds split brain). 0 disables.', { constraints: { minimum: 0 } }),
    minReplicasMaxLag: int(10, 'Seconds of replica lag that still counts as in sync for minReplicasToWrite.', { constraints: { minimum: 1 } }),
    extra: str('', 'Extra redis.conf lines appended verbatim.'),
  }),
  persistence: group('Data volume.', {
    enabled: bool(true, 'Keep data on a PersistentVolumeClaim; false uses an emptyDir (data is lost with the pod).'),
    size: str('1Gi', 'Volume size.', { constraints: { pattern: QUANTITY } }),
    storageClass: str('', 'StorageClass name; empty uses the cluster default.', { constraints: { pattern: OBJECT_NAME } }),
    accessModes: stringList(['ReadWriteOnce'], 'Access modes.', { type: 'string', enum: ['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany', 'ReadOnlyMany'] }),
    retention: group('What happens to the claims when the StatefulSet is deleted or scaled down.', {
      whenDeleted: oneOf(['Retain', 'Delete'], 'Retain', 'Claim policy on StatefulSet deletion.'),
      whenScaled: oneOf(['Retain', 'Delete'], 'Retain', 'Claim policy on scale down.'),
    }),
    acknowledgeDataLossWithReplicas: bool(false, 'Allow persistence off with replicas. A master that restarts empty can wipe its replicas: set only for disposable caches.'),
  }),
  resources: resourcesModel({ cpu: '100m', memory: '256Mi' }, { memory: '512Mi' }),
  livenessProbe: probeModel('Liveness probe (redis-cli PING).', { initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 5 }),
  readinessProbe: probeModel('Readiness probe (PING; replicas also need a live master link and a finished sync).', { initialDelaySeconds: 2, periodSeconds: 3, timeoutSeconds: 3, failureThreshold: 3 }),
  terminationGracePeriodSeconds: int(30, 'Grace period; the master uses it to hand over to a replica before it stops.', { constraints: { minimum: 5 } }),
  podDisruptionBudget: pdbModel(true),
  service: group('Client Services.', {
    type: oneOf(['ClusterIP', 'NodePort', 'LoadBalancer'], 'ClusterIP', 'Service type of the master Service.'),
    annotations: annotationMap({}, 'Annotations on the master Service.'),
  }),
  masterProxy: group('HAProxy in front of the current master, for clients that do not speak Sentinel (used when sentinels > 0).', {
    replicas: int(2, 'HAProxy pods.', { constraints: { minimum: 1 } }),
    image: group('HAProxy image.', {
      repository: str('haproxy', 'Image repository.'),
      tag: str('3.0.7', 'Image tag.', { constraints: PINNED_TAG }),
    }),
    resources: resourcesModel({ cpu: '50m', memory: '64Mi' }, { memory: '128Mi' }),
  }),
  passwordJob: group('The hook Job that creates the password Secret (and the connection Secret) in the cluster when `global.auth.password` and `global.auth.existingSecret` are empty: nothing random is rendered, so `helm template` output is the same every time and a GitOps tool keeps the password across syncs.', {
    kubectlImage: group('kubectl image that applies the Secrets; the hook that grows data volumes in place (a larger `persistence.size`) uses it too.', {
      repository: str('registry.k8s.io/kubectl', 'Image repository.'),
      tag: str('v1.34.4', 'Image tag.', { constraints: PINNED_TAG }),
    }),
  }),
  restore: group('Restore a verified RDB backup into an empty data volume at first start (see the redis-backup chart).', {
    enabled: bool(false, 'Restore when a data pod starts with an empty volume and no other data node runs as master.'),
    backup: str('latest', 'Backup name to restore (e.g. `rdb-20261121T060000Z`), or `latest`.', { constraints: { pattern: '^(latest|[A-Za-z0-9._-]+)$' } }),
    force: bool(false, 'Also restore into a volume that already holds data (once per backup name). Dangerous: turn it off after the restore.'),
    source: oneOf(['remote', 'volume'], 'remote', '`remote`: the rclone remote of the Secret below; `volume`: the backup chart\'s PVC, mounted read-only.'),
    existingSecret: str('', 'Secret with `rclone.conf` (a remote named `remote`); empty uses the backup chart\'s `<release>-backup-remote`.', { constraints: { pattern: OBJECT_NAME } }),
    path: str('redis-backups', 'Path of the backups on the remote: the backup chart\'s remote.path.'),
    claimName: str('', 'PVC holding the backups when source is `volume`; empty uses the backup chart\'s `<release>-backup`.', { constraints: { pattern: OBJECT_NAME } }),
    rcloneImage: group('rclone image that fetches the backup.', {
      repository: str('rclone/rclone', 'Image repository.'),
      tag: str('1.68.2', 'Image tag.', { constraints: PINNED_TAG }),
    }),
    scratchSizeLimit: str('', 'Size limit of the emptyDir holding the fetched backup; empty for none.', { constraints: { pattern: `^$|${QUANTITY}` } }),
  }),
  ...schedulingModel(),
  extraEnv: free([], 'Extra environment variables for the redis container.', { type: 'array', items: { type: 'object' } }),
});
