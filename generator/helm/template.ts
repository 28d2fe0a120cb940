import { UMBRELLA_DIR } from '../paths.ts';
import { helm } from '../../toolchain/helm.ts';
import { apiVersionArgs } from './api-versions.ts';

export interface TemplateOptions {
  helm: string;
  release: string;
  namespace?: string;
  chartDir?: string;
  valuesFiles?: string[];
  set?: string[];
  /** `--api-versions`: APIs the chart may assume the cluster serves (Capabilities.APIVersions). */
  apiVersions?: readonly string[];
  extraArgs?: string[];
}

export function templateArgs(o: TemplateOptions): string[] {
  return [
    'template', o.release, o.chartDir ?? UMBRELLA_DIR,
    '--namespace', o.namespace ?? 'default',
    ...(o.valuesFiles ?? []).flatMap((f) => ['-f', f]),
    ...(o.set ?? []).flatMap((s) => ['--set', s]),
    ...apiVersionArgs(o.apiVersions ?? []),
    ...(o.extraArgs ?? []),
  ];
}

/** `helm template` of a chart: the multi-document YAML a cluster would receive. */
export function helmTemplate(o: TemplateOptions): Promise<string> {
  return helm(o.helm, templateArgs(o));
}
