import type { Release } from '../cluster/types.ts';

export interface ConnectionInfo {
  text: string;
  /** REDIS_URL, REDIS_PASSWORD... for an env file. */
  env: Record<string, string>;
}

/** What `up` prints once a sandbox release is ready: addresses, REDIS_URL, sentinels, and where the password is. */
export async function sandboxConnectionInfo(release: Release, envFile: string): Promise<ConnectionInfo> {
  const find = (kind: string, suffix: string) =>
    release.manifests.find((o) => o.kind === kind && String(o.metadata?.name).endsWith(suffix))?.metadata?.name as string | undefined;
  const masterService = find('Service', '-redis-master');
  const authSecret = find('Secret', '-redis-auth');
  const connection = release.manifests.find((o) => o.kind === 'Secret' && o.stringData?.['redis-url'])?.metadata?.name as string | undefined;
  const port = 6379;
  const lines: string[] = [];
  const env: Record<string, string> = {};
  const pods = await release.pods();
  lines.push(`Release ${release.name} is ready on the sandbox cluster (namespace ${release.namespace}).`, '', 'Pods:');
  for (const p of pods) lines.push(`  ${p.name.padEnd(36)} ${p.ip ?? '-'}  ${p.ready ? 'ready' : 'not ready'}`);
  if (masterService) {
    const master = await release.endpoint({ service: masterService }, port);
    const password = authSecret ? Object.values(await release.secret(authSecret))[0] : undefined;
    const auth = password ? `default:${encodeURIComponent(password)}@` : '';
    lines.push('', `Master endpoint: ${master.host}:${master.port}  (in-cluster: ${masterService}:${port})`);
    env.REDIS_URL = `redis://${auth}${master.host}:${master.port}`;
    if (password) env.REDIS_PASSWORD = password;
    lines.push(`REDIS_URL=${env.REDIS_URL}`);
    lines.push(`  redis-cli -h ${master.host} -p ${master.port}${password ? ' --askpass' : ''} PING`);
  }
  if (connection) {
    const data = await release.secret(connection);
    if (data.sentinels) lines.push('', `Sentinels (in-cluster): ${data.sentinels}`, `Master set: ${data['master-set']}`);
    const sentinelPods = pods.filter((p) => p.labels['app.kubernetes.io/component'] === 'sentinel');
    if (sentinelPods.length) lines.push(`Sentinels (from this machine): ${sentinelPods.map((p) => `${p.ip}:26379`).join(', ')}`);
  }
  if (authSecret) lines.push('', `Password (from Secret ${authSecret}): sed -n 's/^REDIS_PASSWORD=//p' ${envFile}`);
  return { text: lines.join('\n'), env };
}
