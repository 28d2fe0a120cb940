/**
 * Pod Security Admission labels for a namespace a release is installed into: the API server refuses any pod that
 * breaks the "restricted" profile, and warns when a workload would create one.
 */
export const RESTRICTED_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/warn-version': 'latest',
};

/** The namespace as a manifest, for `kubectl create -f -`. */
export function restrictedNamespaceManifest(name: string): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: RESTRICTED_NAMESPACE_LABELS } });
}
