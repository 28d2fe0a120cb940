import { parseAllDocuments } from 'yaml';
import { UnsupportedManifestError } from './errors.ts';
import type { K8sObject } from './k8s-types.ts';

/** Kinds that only matter to a real control plane (RBAC, policy, monitoring CRDs): accepted and ignored. */
const IGNORED_KINDS = new Set([
  'ServiceAccount',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'ServiceMonitor',
  'PodMonitor',
  'PrometheusRule',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
]);

const RUNTIME_KINDS = new Set([
  'StatefulSet',
  'Deployment',
  'Job',
  'CronJob',
  'ConfigMap',
  'Secret',
  'Service',
  'PersistentVolumeClaim',
]);

export type HookPhase = 'pre-install' | 'post-install';

export interface ReleaseObjects {
  all: K8sObject[];
  configMaps: K8sObject[];
  secrets: K8sObject[];
  services: K8sObject[];
  persistentVolumeClaims: K8sObject[];
  statefulSets: K8sObject[];
  deployments: K8sObject[];
  jobs: K8sObject[];
  cronJobs: K8sObject[];
  hooks: Record<HookPhase, K8sObject[]>;
}

export function parseManifests(text: string): K8sObject[] {
  const out: K8sObject[] = [];
  // The API server reads manifests with go-yaml's YAML 1.1 rules: `defaultMode: 0440` is octal.
  for (const doc of parseAllDocuments(text, { version: '1.1' })) {
    if (doc.errors.length > 0) throw new UnsupportedManifestError(`rendered YAML does not parse: ${doc.errors[0]!.message}`);
    const obj = doc.toJS() as K8sObject | null;
    if (obj == null) continue;
    if (obj.kind === 'List' && Array.isArray(obj.items)) out.push(...(obj.items as K8sObject[]));
    else out.push(obj);
  }
  for (const o of out) {
    if (typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') {
      throw new UnsupportedManifestError(`rendered object without kind or metadata.name: ${JSON.stringify(o).slice(0, 200)}`);
    }
  }
  return out;
}

function hookAnnotation(o: K8sObject): string[] {
  const v = o.metadata.annotations?.['helm.sh/hook'];
  return v ? v.split(',').map((s) => s.trim()) : [];
}

export function classify(objects: K8sObject[], namespace: string): ReleaseObjects {
  const r: ReleaseObjects = {
    all: [],
    configMaps: [],
    secrets: [],
    services: [],
    persistentVolumeClaims: [],
    statefulSets: [],
    deployments: [],
    jobs: [],
    cronJobs: [],
    hooks: { 'pre-install': [], 'post-install': [] },
  };
  for (const raw of objects) {
    const o: K8sObject = { ...raw, metadata: { ...raw.metadata, namespace: raw.metadata.namespace ?? namespace } };
    r.all.push(o);
    const hooks = hookAnnotation(o);
    if (hooks.some((h) => h === 'test' || h === 'test-success')) continue;
    if (IGNORED_KINDS.has(o.kind)) continue;
    if (!RUNTIME_KINDS.has(o.kind)) {
      throw new UnsupportedManifestError(
        `${o.kind}/${o.metadata.name} cannot run in the sandbox: kind ${o.kind} is not supported ` +
          `(supported: ${[...RUNTIME_KINDS].join(', ')}; ignored: ${[...IGNORED_KINDS].join(', ')})`,
      );
    }
    const phase = hooks.find((h): h is HookPhase => h === 'pre-install' || h === 'post-install');
    if (phase) {
      r.hooks[phase].push(o);
      continue;
    }
    switch (o.kind) {
      case 'ConfigMap': r.configMaps.push(o); break;
      case 'Secret': r.secrets.push(o); break;
      case 'Service': r.services.push(o); break;
      case 'PersistentVolumeClaim': r.persistentVolumeClaims.push(o); break;
      case 'StatefulSet': r.statefulSets.push(o); break;
      case 'Deployment': r.deployments.push(o); break;
      case 'Job': r.jobs.push(o); break;
      case 'CronJob': r.cronJobs.push(o); break;
    }
  }
  return r;
}

/** The decoded key/value data of a ConfigMap or Secret. */
export function objectData(o: K8sObject): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  if (o.kind === 'Secret') {
    for (const [k, v] of Object.entries<string>(o.data ?? {})) out[k] = Buffer.from(String(v ?? ''), 'base64');
    for (const [k, v] of Object.entries<string>(o.stringData ?? {})) out[k] = Buffer.from(String(v ?? ''), 'utf8');
  } else {
    for (const [k, v] of Object.entries<string>(o.data ?? {})) out[k] = Buffer.from(String(v ?? ''), 'utf8');
    for (const [k, v] of Object.entries<string>(o.binaryData ?? {})) out[k] = Buffer.from(String(v ?? ''), 'base64');
  }
  return out;
}

export function matchesSelector(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

/** A label selector with matchLabels and the In/NotIn/Exists/DoesNotExist expressions. */
export function matchesLabelSelector(
  labels: Record<string, string>,
  sel: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined,
): boolean {
  if (!matchesSelector(labels, sel?.matchLabels)) return false;
  return (sel?.matchExpressions ?? []).every((e) => {
    const has = e.key in labels;
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]!);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]!);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return false;
    }
  });
}
