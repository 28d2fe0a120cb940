import type * as k8s from '@kubernetes/client-node';
import type { SecretSpec } from '../driver.ts';

/** The API object of a Secret the driver creates: its data base64-encoded, Opaque unless a type is given. */
export function secretManifest(spec: SecretSpec): k8s.V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: spec.name },
    type: spec.type ?? 'Opaque',
    data: Object.fromEntries(Object.entries(spec.data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
  };
}
