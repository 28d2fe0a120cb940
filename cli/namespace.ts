import { RESTRICTED_NAMESPACE_LABELS } from '../cluster/pod-security.ts';

type Kubectl = (args: string[]) => Promise<string>;

/** Where `up`, `render` and `backup` put or look for a release when no --namespace is given. */
export const DEFAULT_NAMESPACE = 'redis';

/**
 * The namespace a release goes into: created with Pod Security "restricted" enforced when it does not exist. An
 * existing namespace is the user's: its labels are left alone, and a note says when it does not enforce restricted.
 */
export async function ensureRestrictedNamespace(kubectl: Kubectl, namespace: string): Promise<void> {
  const existing = await kubectl(['get', 'namespace', namespace, '-o', 'jsonpath={.metadata.labels}', '--ignore-not-found']);
  const found = (await kubectl(['get', 'namespace', namespace, '-o', 'name', '--ignore-not-found'])).trim() !== '';
  if (!found) {
    await kubectl(['create', 'namespace', namespace]);
    await kubectl(['label', 'namespace', namespace, '--overwrite', ...Object.entries(RESTRICTED_NAMESPACE_LABELS).map(([k, v]) => `${k}=${v}`)]);
    console.log(`created namespace ${namespace} (Pod Security "restricted" enforced)`);
    return;
  }
  const labels = existing.trim() ? (JSON.parse(existing) as Record<string, string>) : {};
  if (labels['pod-security.kubernetes.io/enforce'] !== 'restricted') {
    console.log(`note: namespace ${namespace} does not enforce Pod Security "restricted"; the chart's pods meet it: `
      + `kubectl label namespace ${namespace} pod-security.kubernetes.io/enforce=restricted`);
  }
}
