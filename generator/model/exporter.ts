import { bool, group, int, str, stringList, stringMap, type Group } from './dsl.ts';
import { PINNED_TAG, DURATION, enabledField, labelMap, probeModel, resourcesModel, schedulingModel } from './common.ts';

const PORT = { minimum: 1, maximum: 65535 };

export const exporterModel = group('redis_exporter in multi-target mode: one Deployment scrapes every data pod and sentinel through `/scrape?target=`.', {
  enabled: enabledField(false, 'the exporter'),
  replicas: int(1, 'Exporter pods. Each scrapes every target, so series carry an `exporter_pod` label to stay distinct.', { constraints: { minimum: 1 } }),
  image: group('Exporter image.', {
    repository: str('oliver006/redis_exporter', 'Image repository.'),
    tag: str('v1.67.0', 'Image tag.', { constraints: PINNED_TAG }),
  }),
  port: int(9121, 'Port of the exporter that scrapes data nodes (as `user`).', { constraints: PORT }),
  sentinelPort: int(9122, 'Port of the exporter that scrapes sentinels (password only: sentinels have no ACL users).', { constraints: PORT }),
  user: str('admin', 'ACL user for data nodes and extra targets; empty authenticates as `default`. With `global.auth.acl.enabled` the exporter logs in as its own read-only user `exporter` (README: ACL users) and this is not used.'),
  releaseTargets: bool(true, 'Scrape this release\'s data pods and sentinels (from `global.topology`). Turn off to scrape only `targets`.'),
  targets: stringList([], 'Extra `host:port` data-node targets (an existing Redis). They share the password from `global.auth` (with `global.auth.acl.enabled`: the `exporter` user and its password, which such a target must then have).', { type: 'string', pattern: '^[^/@ ]+:[0-9]+$' }),
  resources: resourcesModel({ cpu: '50m', memory: '64Mi' }, { memory: '128Mi' }),
  livenessProbe: probeModel('Liveness probe (HTTP /health).', { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
  readinessProbe: probeModel('Readiness probe (HTTP /health).', { initialDelaySeconds: 1, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 }),
  interval: str('30s', 'Scrape interval (ServiceMonitor, PodMonitor and the plain scrape config).', { constraints: { pattern: DURATION } }),
  scrapeTimeout: str('10s', 'Scrape timeout.', { constraints: { pattern: DURATION } }),
  connectionTimeout: str('5s', 'Exporter\'s timeout to reach a target. Keep it under `scrapeTimeout`, so a dead pod reports `redis_up 0` instead of a failed scrape.', { constraints: { pattern: DURATION } }),
  serviceMonitor: group('Prometheus Operator ServiceMonitor (one endpoint per target). Created only where the cluster serves monitoring.coreos.com/v1 ServiceMonitor; otherwise NOTES say it was skipped.', {
    enabled: bool(false, 'Create a ServiceMonitor.'),
    labels: labelMap({}, 'Extra labels so your Prometheus selects it, e.g. `release: kube-prometheus-stack` (the release name of kube-prometheus-stack).'),
  }),
  podMonitor: group('Prometheus Operator PodMonitor (one endpoint per target), instead of or besides the ServiceMonitor. Created only where the cluster serves monitoring.coreos.com/v1 PodMonitor.', {
    enabled: bool(false, 'Create a PodMonitor.'),
    labels: labelMap({}, 'Extra labels so your Prometheus selects it, e.g. `release: kube-prometheus-stack`.'),
  }),
  scrapeConfig: bool(true, 'Ship a ConfigMap `<release>-exporter-scrape` with the `scrape_configs` for a Prometheus without the operator.'),
  scrapeAnnotations: bool(false, 'Add prometheus.io/* annotations to the Service. They reach only the exporter\'s own /metrics, not Redis: use the scrape config for that.'),
  ...schedulingModel(),
});
