import { helmBinary } from '../../../toolchain/tools.ts';
import { CHARTS_DIR } from '../../../generator/paths.ts';
import { helm } from '../../../toolchain/helm.ts';
import { parseManifests } from '../../support/manifests.ts';
import path from 'node:path';

/** The master proxy's ConfigMap as the redis-server chart renders it (with Sentinel, auth on, and `sets`). */
export async function renderedProxyFiles(sets: string[] = []): Promise<{ config: string; script: string }> {
  const out = await helm(helmBinary(4), ['template', 'cache', path.join(CHARTS_DIR, 'redis-server'),
    '--set', 'global.topology.dataNodes=3', '--set', 'global.topology.sentinels=3', ...sets.flatMap((s) => ['--set', s]), '--show-only', 'templates/master-proxy.yaml']);
  const cm = parseManifests(out).find((o) => o.kind === 'ConfigMap') as { data: Record<string, string> } | undefined;
  if (!cm) throw new Error('the redis-server chart rendered no master proxy ConfigMap');
  return { config: cm.data['haproxy.cfg']!, script: cm.data['master-proxy.sh']! };
}

/** The rendered config pointed at one data node and free ports on loopback instead of the cluster's pods. */
export function onLoopback(config: string, o: { listen: number; health: number; redis: number }): string {
  const lines = config.split('\n').filter((l) => !/^\s+server node\d+ /.test(l));
  const text = lines.join('\n')
    .replace(/bind :\d+\n(\s+)default_backend master/, `bind 127.0.0.1:${o.listen}\n$1default_backend master`)
    .replace('bind :8404', `bind 127.0.0.1:${o.health}`);
  return `${text.trimEnd()}\n  server node0 127.0.0.1:${o.redis} check inter 500ms fall 1 rise 1\n`;
}
