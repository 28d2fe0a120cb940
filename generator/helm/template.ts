import { execFile } from 'node:child_process';
import { UMBRELLA_DIR } from '../paths.ts';
import { stopOnAbort } from '../stop-on-abort.ts';
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

export class HelmError extends Error {
  constructor(readonly args: string[], readonly stderr: string) {
    super(`helm ${args.join(' ')} failed:\n${stderr.trim()}`);
  }
}

/** `signal` stops helm (SIGTERM, later SIGKILL); the call then rejects with the signal's reason once helm has exited. */
export function helm(helmPath: string, args: string[], o: { signal?: AbortSignal } = {}): Promise<string> {
  const { signal } = o;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const child = execFile(helmPath, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      exited();
      if (signal?.aborted) reject(signal.reason);
      else if (error) reject(new HelmError(args, String(stderr) || error.message));
      else resolve(String(stdout));
    });
    const exited = stopOnAbort(child, signal);
  });
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
