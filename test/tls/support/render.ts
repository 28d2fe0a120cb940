// The charts rendered with TLS on, as the TLS tests read them.
import path from 'node:path';
import { CHARTS_DIR } from '../../../generator/paths.ts';
import type { HelmMajor } from '../../../toolchain/tools.ts';
import { runHelm } from '../../support/helm-runs.ts';
import { parseManifests } from '../../support/manifests.ts';
import type { KubeObject } from '../../support/kube-schema.ts';

/** `helm template` of a chart under charts/ (the umbrella `redis` or a component) with values set; throws on failure. */
export async function renderChart(helm: HelmMajor, chart: string, sets: string[], extra: string[] = []): Promise<KubeObject[]> {
  const run = await runHelm(helm, ['template', 'cache', path.join(CHARTS_DIR, chart), '--namespace', 'redis', ...sets.flatMap((s) => ['--set', s]), ...extra]);
  if (!run.ok) throw new Error(`helm ${helm} template ${chart} ${sets.join(' ')} failed:\n${run.stderr}`);
  return parseManifests(run.stdout);
}

/** The TLS lines of a data node's redis.conf (port, tls-*) as the redis-server chart renders them. */
export async function renderedServerTlsConf(authClients: 'no' | 'optional' | 'yes'): Promise<string[]> {
  const objects = await renderChart(4, 'redis-server', ['global.tls.enabled=true', `global.tls.authClients=${authClients}`]);
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'cache-redis-config') as { data: Record<string, string> } | undefined;
  if (!cm) throw new Error('the redis-server chart rendered no cache-redis-config ConfigMap');
  return cm.data['redis.conf']!.split('\n').filter((l) => /^(port|tls-)/.test(l));
}
