import { masterServiceName, sentinelName } from '../generator/charts/names.ts';

/** What `up` prints once a release is ready, and the environment an application would use. */
export interface ConnectionInfo {
  text: string;
  /** REDIS_URL (with the password) when the release has a master endpoint. */
  env: Record<string, string>;
}

type Kubectl = (args: string[]) => Promise<string>;

/**
 * How to connect to a release installed on Kubernetes. On the local cluster, Service addresses are reachable from this
 * machine (its service range is routed to the control-plane node), so REDIS_URL works as printed.
 */
export async function kubeConnectionInfo(kubectl: Kubectl, release: string, namespace: string, reachableFromHere: boolean): Promise<ConnectionInfo> {
  const selector = `app.kubernetes.io/instance=${release}`;
  const services = (JSON.parse(await kubectl(['get', 'services', '-n', namespace, '-l', selector, '-o', 'json'])).items as any[]);
  const secrets = (JSON.parse(await kubectl(['get', 'secrets', '-n', namespace, '-l', selector, '-o', 'json'])).items as any[]);
  const pods = (JSON.parse(await kubectl(['get', 'pods', '-n', namespace, '-l', selector, '-o', 'json'])).items as any[]);
  const decode = (s: any, key: string) => (s?.data?.[key] ? Buffer.from(s.data[key], 'base64').toString('utf8') : undefined);
  const authSecret = secrets.find((s) => decode(s, 'redis-password') !== undefined);
  const password = decode(authSecret, 'redis-password');
  const connection = secrets.find((s) => decode(s, 'redis-url') !== undefined);
  const master = services.find((s) => s.metadata.name === masterServiceName(release));
  const sentinel = services.find((s) => s.metadata.name === sentinelName(release));
  // TLS (README: TLS): the data pods' environment says so; the URL is rediss:// and clients need the release's CA.
  const tls = pods.some((p) => (p.spec.containers as any[]).some((c) => (c.env as any[] | undefined)?.some((e) => e.name === 'TLS_ENABLED' && e.value === 'true')));
  const tlsVolume = pods.flatMap((p) => (p.spec.volumes as any[] | undefined) ?? []).find((v) => v.name === 'tls' && v.secret);
  const lines = [`Release ${release} is ready (namespace ${namespace}).`, '', 'Pods:'];
  for (const p of pods) lines.push(`  ${p.metadata.name.padEnd(36)} ${p.status.podIP ?? '-'}  ${p.spec.nodeName ?? ''}`);
  const env: Record<string, string> = {};
  if (master) {
    const port = master.spec.ports[0].port;
    const host = reachableFromHere ? master.spec.clusterIP : `${master.metadata.name}.${namespace}.svc`;
    const auth = password ? `default:${encodeURIComponent(password)}@` : '';
    env.REDIS_URL = `${tls ? 'rediss' : 'redis'}://${auth}${host}:${port}`;
    lines.push('', `Master endpoint: ${master.metadata.name}.${namespace}.svc:${port}${reachableFromHere ? ` (from this machine: ${master.spec.clusterIP}:${port})` : ''}`);
    lines.push(`REDIS_URL=${env.REDIS_URL}`);
    if (!reachableFromHere) lines.push(`  from your machine: kubectl port-forward -n ${namespace} svc/${master.metadata.name} ${port}`);
  }
  if (sentinel) {
    const port = sentinel.spec.ports[0].port;
    lines.push('', `Sentinels: ${sentinel.metadata.name}.${namespace}.svc:${port}${reachableFromHere ? ` (from this machine: ${sentinel.spec.clusterIP}:${port})` : ''}, master set ${decode(connection, 'master-set') ?? '?'}`);
  }
  if (authSecret) lines.push('', `Password: Secret ${authSecret.metadata.name}, key redis-password`);
  if (tls) {
    const caSecret = tlsVolume?.secret?.secretName ?? '?';
    lines.push(`TLS only: trust the CA of Secret ${caSecret}, key ca.crt${connection ? ` (also in ${connection.metadata.name})` : ''}; the certificate names the Services, not their addresses`);
  }
  if (connection) lines.push(`Connection Secret for apps: ${connection.metadata.name} (redis-url, host, port${sentinel ? ', sentinels, master-set' : ''})`);
  return { text: lines.join('\n'), env };
}
