import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { helmTemplate } from './template.ts';
import { MONITORING_API_VERSIONS } from './api-versions.ts';
import { helmBinary } from '../../toolchain/tools.ts';

/** What a release is rendered from: the fields of the cluster driver's InstallOptions that `helm template` reads. */
export interface ReleaseValues {
  release: string;
  /** Defaults to "default". */
  namespace?: string;
  /** Values files passed as `-f`, in order (a profile first, overlays after). */
  valuesFiles: string[];
  /** Extra values, deep-merged after the files (written to a temporary values file). */
  values?: Record<string, unknown>;
}

/**
 * What an install renders, without a cluster: `helm template` of the umbrella chart with the profile and overrides,
 * for a cluster that serves the prometheus-operator CRDs (as the local cluster does), so ServiceMonitor, PodMonitor and
 * PrometheusRule are included.
 */
export async function renderRelease(o: ReleaseValues, helm = helmBinary(4)): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-values-'));
  try {
    const overlay = path.join(dir, 'overrides.yaml');
    fs.writeFileSync(overlay, stringify(o.values ?? {}));
    return await helmTemplate({ helm, release: o.release, namespace: o.namespace ?? 'default', valuesFiles: [...o.valuesFiles, overlay], apiVersions: MONITORING_API_VERSIONS });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
