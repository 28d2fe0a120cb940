import { UnsupportedManifestError } from './errors.ts';
import type { Container } from './k8s-types.ts';
import { fieldRefValue, resourceFieldValue, type PodIdentity } from './pod-identity.ts';

/** ConfigMaps and Secrets of the cluster, decoded. */
export interface ObjectLookup {
  configMap(namespace: string, name: string): Record<string, Buffer> | undefined;
  secret(namespace: string, name: string): Record<string, Buffer> | undefined;
}

/** Kubernetes $(VAR) expansion: $$ escapes, unknown references stay as written. */
export function expandVars(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && name in env ? env[name]! : m;
  });
}

function missing(what: string, pod: PodIdentity, container: string): never {
  throw new UnsupportedManifestError(`pod ${pod.name} container ${container}: ${what} not found`);
}

/** The environment Kubernetes gives a container: image env, envFrom, then env (later wins, $(VAR) sees earlier). */
export function containerEnv(
  c: Container,
  pod: PodIdentity,
  allContainers: Container[],
  lookup: ObjectLookup,
  imageEnv: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = { ...imageEnv, HOSTNAME: pod.name };
  for (const src of c.envFrom ?? []) {
    const ref = src.configMapRef ?? src.secretRef;
    if (!ref) continue;
    const data = src.configMapRef ? lookup.configMap(pod.namespace, ref.name) : lookup.secret(pod.namespace, ref.name);
    if (!data) {
      if (ref.optional) continue;
      missing(`${src.configMapRef ? 'ConfigMap' : 'Secret'} ${ref.name} (envFrom)`, pod, c.name);
    }
    for (const [k, v] of Object.entries(data)) env[(src.prefix ?? '') + k] = v.toString('utf8');
  }
  for (const e of c.env ?? []) {
    const from = e.valueFrom;
    if (!from) {
      env[e.name] = expandVars(e.value ?? '', env);
    } else if (from.secretKeyRef || from.configMapKeyRef) {
      const ref = (from.secretKeyRef ?? from.configMapKeyRef)!;
      const kind = from.secretKeyRef ? 'Secret' : 'ConfigMap';
      const data = from.secretKeyRef ? lookup.secret(pod.namespace, ref.name) : lookup.configMap(pod.namespace, ref.name);
      const v = data?.[ref.key];
      if (v === undefined) {
        if (ref.optional) continue;
        missing(`${kind} ${ref.name} key ${ref.key} (env ${e.name})`, pod, c.name);
      }
      env[e.name] = v.toString('utf8');
    } else if (from.fieldRef) {
      env[e.name] = fieldRefValue(pod, from.fieldRef);
    } else if (from.resourceFieldRef) {
      env[e.name] = resourceFieldValue(allContainers, c.name, from.resourceFieldRef);
    }
  }
  return env;
}
