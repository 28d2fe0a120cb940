import { bool, group, int, str, stringList, stringMap, type Group } from './dsl.ts';
import { PINNED_TAG, DURATION, enabledField, probeModel, resourcesModel, schedulingModel } from './common.ts';

export const exporterModel: Group = group('redis_exporter in multi-target mode: one Deployment scrapes every data pod and sentinel through `/scrape?target=`.', {
  enabled: enabledField(false, 'the exporter'),
  replicas: int(1, 'Exporter pods.', { constraints: { minimum: 1 } }),
  image: group('Exporter image.', {
    repository: str('oliver006/redis_exporter', 'Image repository.'),
    tag: str('v1.67.0', 'Image tag.', { constraints: PINNED_TAG }),
  }),
  port: int(9121, 'Metrics port.', { constraints: { minimum: 1, maximum: 65535 } }),
  targets: stringList([], 'Extra `redis://host:port` targets to scrape besides this release\'s pods (for use against an existing Redis).'),
  resources: resourcesModel({ cpu: '50m', memory: '64Mi' }, { memory: '128Mi' }),
  livenessProbe: probeModel('Liveness probe (HTTP /health).', { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
  readinessProbe: probeModel('Readiness probe (HTTP /health).', { initialDelaySeconds: 1, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 }),
  serviceMonitor: group('Prometheus Operator ServiceMonitor (one endpoint per target).', {
    enabled: bool(false, 'Create a ServiceMonitor.'),
    interval: str('30s', 'Scrape interval.', { constraints: { pattern: DURATION } }),
    scrapeTimeout: str('10s', 'Scrape timeout.', { constraints: { pattern: DURATION } }),
    labels: stringMap({}, 'Extra labels so your Prometheus selects it (e.g. `release: prometheus`).'),
  }),
  scrapeAnnotations: bool(true, 'Add prometheus.io/* annotations to the exporter Service for plain Prometheus.'),
  ...schedulingModel(),
});
