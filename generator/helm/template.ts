import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UMBRELLA_DIR } from '../paths.ts';
import { apiVersionArgs } from './api-versions.ts';

const run = promisify(execFile);

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

export class HelmError extends Error {
  constructor(readonly args: string[], readonly stderr: string) {
    super(`helm ${args.join(' ')} failed:\n${stderr.trim()}`);
  }
}

export async function helm(helmPath: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(helmPath, args, { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new HelmError(args, err.stderr || err.message);
  }
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
