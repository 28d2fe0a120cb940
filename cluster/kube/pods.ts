import type * as k8s from '@kubernetes/client-node';
import type { PodInfo, PodPhase } from '../driver.ts';

/** A client-node Pod as the driver contract describes pods. */
export function podInfo(p: k8s.V1Pod): PodInfo {
  const labels = p.metadata?.labels ?? {};
  return {
    name: p.metadata?.name ?? '',
    uid: p.metadata?.uid ?? '',
    namespace: p.metadata?.namespace ?? '',
    ip: p.status?.podIP,
    node: p.spec?.nodeName,
    phase: (p.status?.phase ?? 'Pending') as PodPhase,
    ready: isReady(p),
    restarts: (p.status?.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0),
    labels,
    owner: owner(p),
    containers: (p.spec?.containers ?? []).map((c) => c.name),
  };
}

export function isReady(p: k8s.V1Pod): boolean {
  return !p.metadata?.deletionTimestamp && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export const isTerminating = (p: k8s.V1Pod) => Boolean(p.metadata?.deletionTimestamp);

/** A Deployment's pods are owned by a ReplicaSet named "<deployment>-<pod-template-hash>". */
function owner(p: k8s.V1Pod): PodInfo['owner'] {
  const ref = p.metadata?.ownerReferences?.find((r) => r.controller);
  if (!ref) return undefined;
  if (ref.kind === 'StatefulSet' || ref.kind === 'Job') return { kind: ref.kind, name: ref.name };
  if (ref.kind === 'ReplicaSet') {
    const hash = p.metadata?.labels?.['pod-template-hash'];
    return { kind: 'Deployment', name: hash ? ref.name.replace(new RegExp(`-${hash}$`), '') : ref.name };
  }
  return undefined;
}

/** Whether a StatefulSet or Deployment has finished rolling out and every replica is ready. */
export function rolledOut(w: k8s.V1StatefulSet | k8s.V1Deployment): boolean {
  const want = w.spec?.replicas ?? 1;
  const s = w.status;
  if (!s || (s.observedGeneration ?? 0) < (w.metadata?.generation ?? 0)) return false;
  if ((s.updatedReplicas ?? 0) < want || (s.readyReplicas ?? 0) < want || s.replicas !== want) return false;
  if ('currentRevision' in s && 'updateRevision' in s && s.updateRevision) return s.currentRevision === s.updateRevision;
  return true;
}
