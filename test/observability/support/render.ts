import { parseAllDocuments } from 'yaml';
import { renderRelease } from '../../../generator/helm/render-release.ts';
import { profileFile } from '../../scenarios/scenario.ts';

export type Manifest = Record<string, any>;

/** The objects real `helm template` renders for a profile (release "redis", namespace "default"). */
export async function renderProfile(profile: string, values: Record<string, unknown> = {}, release = 'redis'): Promise<Manifest[]> {
  const text = await renderRelease({ release, valuesFiles: [profileFile(profile)], values });
  return parseAllDocuments(text).map((d) => d.toJS() as Manifest).filter((m) => m !== null);
}

export function findManifest(manifests: Manifest[], kind: string, nameSuffix: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && String(m.metadata.name).endsWith(nameSuffix));
  if (!found) throw new Error(`no ${kind} named *${nameSuffix} in the rendered manifests`);
  return found;
}

export interface RuleGroups {
  groups: { name: string; rules: AlertRule[] }[];
}

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The rules of the PrometheusRule (its spec.groups) and of the ConfigMap's plain rules file. */
export function renderedRules(manifests: Manifest[]): { fromPrometheusRule: RuleGroups; fromConfigMapText: string } {
  const rule = findManifest(manifests, 'PrometheusRule', '-alerts');
  const configMap = findManifest(manifests, 'ConfigMap', '-alerts-rules');
  return { fromPrometheusRule: { groups: rule.spec.groups }, fromConfigMapText: configMap.data['redis-rules.yaml'] };
}

export const alertsOf = (rules: RuleGroups): AlertRule[] => rules.groups.flatMap((g) => g.rules);
