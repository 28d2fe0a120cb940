import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { InstallOptions } from '../../generator/cluster/types.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/sandbox/', import.meta.url));

/**
 * A render function in place of `helm template`: the fixture with {{release}}, {{namespace}} and any {{key}}
 * from `values` (falling back to `defaults`) filled in.
 */
export function fixtureRender(file: string, defaults: Record<string, unknown> = {}) {
  return async (opts: InstallOptions): Promise<string> => {
    const text = await readFile(FIXTURES + file, 'utf8');
    const vars: Record<string, unknown> = { ...defaults, ...opts.values, release: opts.release, namespace: opts.namespace ?? 'default' };
    return text.replace(/\{\{(\w+)\}\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
  };
}

/** A render function for inline manifests. */
export const inlineRender = (yaml: string) => async (_opts: InstallOptions) => yaml;
