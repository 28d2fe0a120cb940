// Reads `helm template` output as Kubernetes objects, and finds the pod templates inside them.
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './kube-schema.ts';

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
}

export interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type?: string } };
  containers: Container[];
  initContainers?: Container[];
}

export interface PodTemplate {
  /** `Kind/name` of the object holding the template. */
  owner: string;
  /** Pods of Jobs (and CronJobs) run to completion; every other pod is long-running. */
  runsToCompletion: boolean;
  labels: Record<string, string>;
  spec: PodSpec;
}

/** The objects of a multi-document YAML stream; empty documents are skipped. */
export function parseManifests(text: string): KubeObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length) throw new Error(`rendered YAML does not parse: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value as KubeObject];
  });
}

export const objectId = (o: KubeObject): string => `${o.kind}/${o.metadata?.name}`;

interface TemplateHolder { metadata?: { labels?: Record<string, string> }; spec: PodSpec }

export function podTemplates(objects: KubeObject[]): PodTemplate[] {
  return objects.flatMap((o): PodTemplate[] => {
    const spec = o.spec as Record<string, any> | undefined;
    let template: TemplateHolder | undefined;
    let runsToCompletion = false;
    switch (o.kind) {
      case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet':
        template = spec?.template;
        break;
      case 'Job':
        template = spec?.template;
        runsToCompletion = true;
        break;
      case 'CronJob':
        template = spec?.jobTemplate?.spec?.template;
        runsToCompletion = true;
        break;
      case 'Pod':
        template = { metadata: o.metadata, spec: o.spec as PodSpec };
        runsToCompletion = (spec?.restartPolicy ?? 'Always') !== 'Always';
        break;
      default:
        return [];
    }
    if (!template) throw new Error(`${objectId(o)} has no pod template`);
    return [{ owner: objectId(o), runsToCompletion, labels: template.metadata?.labels ?? {}, spec: template.spec }];
  });
}

export const allContainers = (spec: PodSpec): Container[] => [...(spec.initContainers ?? []), ...spec.containers];
