import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { helmTemplate } from '../helm/template.ts';
import { MONITORING_API_VERSIONS } from '../helm/api-versions.ts';
import { helmBinary } from '../../toolchain/tools.ts';
import type { InstallOptions } from './types.ts';

/**
 * What an install renders, without a cluster: `helm template` of the umbrella chart with the profile and overrides,
 * for a cluster that serves the prometheus-operator CRDs (as the local cluster does), so ServiceMonitor, PodMonitor and
 * PrometheusRule are included.
 */
export async function renderRelease(o: InstallOptions, helm = helmBinary(4)): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-values-'));
  try {
    const overlay = path.join(dir, 'overrides.yaml');
    fs.writeFileSync(overlay, stringify(o.values ?? {}));
    return await helmTemplate({ helm, release: o.release, namespace: o.namespace ?? 'default', valuesFiles: [...o.valuesFiles, overlay], apiVersions: MONITORING_API_VERSIONS });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
