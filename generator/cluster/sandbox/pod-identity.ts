import { cpus, totalmem } from 'node:os';
import type { Container, ObjectFieldSelector, ResourceFieldSelector } from './k8s-types.ts';

/** What the downward API can say about a pod. */
export interface PodIdentity {
  name: string;
  namespace: string;
  uid: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ip: string;
  hostIP: string;
  nodeName: string;
  serviceAccountName: string;
}

export const NODE_NAME = 'sandbox-node';

function formatMap(m: Record<string, string>): string {
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${JSON.stringify(m[k])}`)
    .join('\n');
}

export function fieldRefValue(pod: PodIdentity, ref: ObjectFieldSelector): string {
  const path = ref.fieldPath;
  const sub = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (sub) return (sub[1] === 'labels' ? pod.labels : pod.annotations)[sub[2]!] ?? '';
  switch (path) {
    case 'metadata.name': return pod.name;
    case 'metadata.namespace': return pod.namespace;
    case 'metadata.uid': return pod.uid;
    case 'metadata.labels': return formatMap(pod.labels);
    case 'metadata.annotations': return formatMap(pod.annotations);
    case 'status.podIP':
    case 'status.podIPs': return pod.ip;
    case 'status.hostIP':
    case 'status.hostIPs': return pod.hostIP;
    case 'spec.nodeName': return pod.nodeName;
    case 'spec.serviceAccountName': return pod.serviceAccountName;
    default: throw new Error(`unsupported fieldRef ${path}`);
  }
}

const SUFFIX: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, m: 1e-3,
};

export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(q.trim());
  if (!m || !(m[2]! in SUFFIX)) throw new Error(`cannot parse quantity "${q}"`);
  return Number(m[1]) * SUFFIX[m[2]!]!;
}

/** limits.* / requests.* of a container; an unset limit is the node's capacity, as on Kubernetes. */
export function resourceFieldValue(containers: Container[], self: string | undefined, ref: ResourceFieldSelector): string {
  const c = containers.find((x) => x.name === (ref.containerName ?? self));
  const [kind, res] = ref.resource.split('.') as [string, string];
  const set = kind === 'limits' ? c?.resources?.limits?.[res] : c?.resources?.requests?.[res];
  const capacity = res === 'cpu' ? cpus().length : res === 'memory' ? totalmem() : 0;
  const value = set !== undefined ? parseQuantity(set) : kind === 'limits' ? capacity : 0;
  const divisor = ref.divisor !== undefined ? parseQuantity(ref.divisor) : 1;
  return String(Math.ceil(value / divisor));
}
