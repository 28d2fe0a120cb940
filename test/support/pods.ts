import type * as k8s from '@kubernetes/client-node';

/** A pod as `kubectl get pods -o json` lists it: one init container (restore) and the redis container. */
export function pod(status: {
  init?: Partial<k8s.V1ContainerStatus>;
  redis?: Partial<k8s.V1ContainerStatus>;
  phase?: string;
  conditions?: k8s.V1PodCondition[];
  uid?: string;
}): k8s.V1Pod {
  const container = (name: string, image: string, s: Partial<k8s.V1ContainerStatus> | undefined): k8s.V1ContainerStatus[] =>
    s ? [{ name, image, imageID: '', ready: false, restartCount: 0, ...s }] : [];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'dev-redis-0', namespace: 'rc-dev', uid: status.uid ?? 'a3c1e2f0-0000-4000-8000-000000000001', labels: { 'app.kubernetes.io/instance': 'dev' } },
    spec: {
      initContainers: [{ name: 'restore', image: 'redis-charts.local/redis:7.0.15' }],
      containers: [{ name: 'redis', image: 'redis-charts.local/redis:7.0.15' }],
    },
    status: {
      phase: status.phase ?? 'Pending',
      ...(status.conditions ? { conditions: status.conditions } : {}),
      initContainerStatuses: container('restore', 'redis-charts.local/redis:7.0.15', status.init),
      containerStatuses: container('redis', 'redis-charts.local/redis:7.0.15', status.redis),
    },
  };
}

export const initDone = { state: { terminated: { exitCode: 0, reason: 'Completed' } } };
export const waiting = (reason: string, message?: string) => ({ state: { waiting: { reason, ...(message ? { message } : {}) } } });
export const crashed = (exitCode: number, reason = 'Error') => ({ terminated: { exitCode, reason } });
