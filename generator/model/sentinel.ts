import { bool, group, int, str, type Group } from './dsl.ts';
import { OBJECT_NAME, QUANTITY, enabledField, pdbModel, probeModel, resourcesModel, schedulingModel } from './common.ts';

export const sentinelModel = group('Redis Sentinel: watches the data nodes and fails over. Runs when global.topology.sentinels > 0.', {
  enabled: enabledField(true, 'Sentinel when global.topology.sentinels > 0'),
  quorum: int(2, 'Sentinels that must agree the master is down. Must be a majority of the sentinels.', { constraints: { minimum: 1 } }),
  downAfterMilliseconds: int(5000, 'Milliseconds without a valid reply before a master counts as down. Lower fails over faster but risks failovers on short stalls (fork, slow disk).', { constraints: { minimum: 100 } }),
  failoverTimeout: int(10000, 'Failover timeout in milliseconds: how long a promotion may take, and half the wait before a sentinel tries again after a failover attempt that elected no leader (a split vote) or failed.', { constraints: { minimum: 1000 } }),
  infoPeriodMilliseconds: int(1000, 'How often each sentinel reads the master\'s and replicas\' INFO (Sentinel\'s own default is 10000). A replica that joins or re-points is known, and can be promoted, within this time; set at runtime with SENTINEL DEBUG info-period.', { constraints: { minimum: 100, maximum: 10000 } }),
  parallelSyncs: int(1, 'Replicas re-synced with the new master at the same time.', { constraints: { minimum: 1 } }),
  resources: resourcesModel({ cpu: '50m', memory: '64Mi' }, { memory: '128Mi' }),
  livenessProbe: probeModel('Liveness probe (PING).', { initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 5 }),
  readinessProbe: probeModel('Readiness probe (PING, and a known master).', { initialDelaySeconds: 2, periodSeconds: 3, timeoutSeconds: 3, failureThreshold: 3 }),
  podDisruptionBudget: pdbModel(true),
  persistence: group('Small volume for the sentinel config Sentinel rewrites; it lets sentinels remember the master across a full restart.', {
    enabled: bool(true, 'Keep the sentinel config on a PersistentVolumeClaim (an emptyDir otherwise).'),
    size: str('64Mi', 'Volume size.', { constraints: { pattern: QUANTITY } }),
    storageClass: str('', 'StorageClass name; empty uses the cluster default.', { constraints: { pattern: OBJECT_NAME } }),
  }),
  extraConfig: str('', 'Extra sentinel.conf lines appended verbatim.'),
  ...schedulingModel(),
});
