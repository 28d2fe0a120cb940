import { Redis } from 'ioredis';
import { connectionSecretName } from '../../generator/charts/names.ts';
import type { ConnectionOptions } from 'node:tls';
import type { PodInfo, Release } from '../../cluster/driver.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReleaseSharing } from '../scenarios/scenario.ts';

export const REDIS_PORT = 6379;
export const SENTINEL_PORT = 26379;
export const MASTER_SET = 'mymaster';

const component = (p: PodInfo) => p.labels['app.kubernetes.io/component'];

const tlsOf = new WeakMap<Release, Promise<ConnectionOptions | undefined>>();

/**
 * TLS options for a test client of the release: undefined while TLS is off (the data pods mount no TLS Secret). The CA
 * comes from the TLS Secret the data pods mount (generated, cert-manager's or the user's), which exists with an
 * existingSecret password too, when the chart makes no connection Secret. The chain is verified against that CA; the
 * name is not, since tests reach pods through addresses the certificate cannot name (a port-forward, a NAT map). The
 * application pods check names (test/support/app-clients.ts).
 */
export function releaseTls(release: Release): Promise<ConnectionOptions | undefined> {
  let tls = tlsOf.get(release);
  if (!tls) {
    const volume = (dataStatefulSet(release).spec.template.spec.volumes ?? []).find((v: { name: string }) => v.name === 'tls');
    tls = volume?.secret
      ? release.secret(volume.secret.secretName).then((data) => ({ ca: data['ca.crt'], checkServerIdentity: () => undefined }))
      : Promise.resolve(undefined);
    tlsOf.set(release, tls);
  }
  return tls;
}

/** ioredis options that add TLS to a connection to the release (nothing while TLS is off). */
export async function tlsOptions(release: Release, o: { sentinels?: boolean } = {}): Promise<Record<string, unknown>> {
  const tls = await releaseTls(release);
  if (!tls) return {};
  return o.sentinels ? { tls, sentinelTLS: tls, enableTLSForSentinelMode: true } : { tls };
}

/** The data StatefulSet of the release. */
export function dataStatefulSet(release: Release): Record<string, any> {
  const sts = release.manifests.find((o) => o.kind === 'StatefulSet' && o.spec?.template?.metadata?.labels?.['app.kubernetes.io/component'] === 'server');
  if (!sts) throw new Error('the release has no data StatefulSet');
  return sts;
}

/**
 * The Secret and key the data pods read the password from (their `auth` volume): rendered by the chart, created in
 * the cluster by its password Job (a generated password), or the release's existingSecret.
 */
export function authSecretRef(release: Release): { name: string; key: string } {
  const volume = (dataStatefulSet(release).spec.template.spec.volumes ?? []).find((v: { name: string }) => v.name === 'auth');
  // A projected volume since 0.3.0 (the previous password is optional there); a secret volume before.
  const projected = volume?.projected?.sources?.[0]?.secret;
  if (projected) return { name: projected.name, key: projected.items[0].key };
  if (volume?.secret) return { name: volume.secret.secretName, key: volume.secret.items[0].key };
  throw new Error('the data pods mount no password Secret');
}


/**
 * The user the release's password opens on the data nodes: the ACL application user when ACL users are on (the data
 * container's ACL_USERNAME), else `default` (README: ACL users).
 */
export function appUser(release: Release): string {
  const redis = (dataStatefulSet(release).spec.template.spec.containers ?? []).find((c: { name: string }) => c.name === 'redis');
  return (redis?.env ?? []).find((e: { name: string }) => e.name === 'ACL_USERNAME')?.value ?? 'default';
}

/** What tests log in to a data node as: `admin` (every command, the password of `default`), or the ACL application user. */
function nodeUser(release: Release): string {
  const user = appUser(release);
  return user === 'default' ? 'admin' : user;
}

/** ioredis options an application logs in to the data nodes with: the application user and the password. */
export async function credentials(release: Release): Promise<{ username: string; password: string }> {
  return { username: appUser(release), password: await password(release) };
}

export async function password(release: Release): Promise<string> {
  const { name, key } = authSecretRef(release);
  const data = await release.secret(name);
  if (data[key] === undefined) throw new Error(`Secret ${name} has no key ${key}`);
  return data[key];
}

/** What a pod answers when a client logs in with `pw` (on a data port as the user tests log in as) and PINGs: PONG or the error. */
export async function pingWith(release: Release, pod: string, port: number, pw: string): Promise<string> {
  const ep = await release.endpoint({ pod }, port);
  // No password in the options and RESP2 (no HELLO before AUTH): ioredis would close the connection on a refused
  // AUTH instead of reporting it.
  const c = new Redis({ host: ep.host, port: ep.port, ...(await tlsOptions(release)), lazyConnect: true, protocol: 2, enableReadyCheck: false, connectTimeout: 1000, commandTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await (port === REDIS_PORT ? c.call('AUTH', nodeUser(release), pw) : c.call('AUTH', pw));
    return String(await c.ping());
  } catch (e) {
    return (e as Error).message;
  } finally {
    c.disconnect();
  }
}

export async function dataPods(release: Release): Promise<PodInfo[]> {
  return (await release.pods()).filter((p) => component(p) === 'server').sort((a, b) => a.name.localeCompare(b.name));
}

export async function sentinelPods(release: Release): Promise<PodInfo[]> {
  return (await release.pods()).filter((p) => component(p) === 'sentinel').sort((a, b) => a.name.localeCompare(b.name));
}

/** A short-lived connection to one pod with every command (the caller quits it). */
export async function podClient(release: Release, pod: string, port = REDIS_PORT, pw?: string): Promise<Redis> {
  const ep = await release.endpoint({ pod }, port);
  const client = new Redis({
    host: ep.host, port: ep.port, password: pw ?? (await password(release)), ...(port === REDIS_PORT ? { username: nodeUser(release) } : {}),
    ...(await tlsOptions(release)),
    lazyConnect: true, connectTimeout: 1000, commandTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  return client;
}

/** Run one command on a pod; undefined when the pod does not answer. */
export async function ask(release: Release, pod: string, port: number, ...args: string[]): Promise<unknown> {
  // A pod being re-created has no address yet: it does not answer.
  const c = await podClient(release, pod, port).catch(() => undefined);
  if (!c) return undefined;
  try {
    await c.connect();
    return await c.call(args[0]!, ...args.slice(1));
  } catch {
    return undefined;
  } finally {
    c.disconnect();
  }
}

export async function role(release: Release, pod: string): Promise<string | undefined> {
  const info = (await ask(release, pod, REDIS_PORT, 'INFO', 'replication')) as string | undefined;
  return info ? /role:(\w+)/.exec(info)?.[1] : undefined;
}

/** Pod name each answering sentinel names as master. */
export async function sentinelViews(release: Release): Promise<Map<string, string>> {
  const views = new Map<string, string>();
  for (const s of await sentinelPods(release)) {
    const addr = (await ask(release, s.name, SENTINEL_PORT, 'SENTINEL', 'get-master-addr-by-name', MASTER_SET)) as string[] | undefined;
    if (addr?.[0]) views.set(s.name, addr[0].split('.')[0]!);
  }
  return views;
}

export interface Topology {
  master: string;
  masters: string[];
  replicas: string[];
}

/**
 * Waits until exactly one data pod is master, every answering sentinel names it, and every other data pod
 * replicates it with its link up. Returns that topology, or throws with what was seen last.
 */
export async function waitForSingleMaster(release: Release, opts: { timeoutMs?: number; sentinels?: number } = {}): Promise<Topology> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let seen = '';
  while (Date.now() < deadline) {
    const pods = await dataPods(release);
    const roles = await Promise.all(pods.map(async (p) => [p.name, await role(release, p.name)] as const));
    const masters = roles.filter(([, r]) => r === 'master').map(([n]) => n);
    const views = await sentinelViews(release);
    const agreed = new Set(views.values());
    seen = `roles ${JSON.stringify(Object.fromEntries(roles))}, sentinels ${JSON.stringify(Object.fromEntries(views))}`;
    if (masters.length === 1 && agreed.size === 1 && agreed.has(masters[0]!) && views.size >= (opts.sentinels ?? 1)) {
      const replicas = pods.map((p) => p.name).filter((n) => n !== masters[0]);
      const linked = await Promise.all(replicas.map(async (r) => /master_link_status:up/.test(String(await ask(release, r, REDIS_PORT, 'INFO', 'replication')))));
      const known = await sentinelsKnowEveryone(release, [...views.keys()], replicas.length);
      seen += known ? '' : ', sentinels do not know every replica and sentinel yet';
      if (linked.every(Boolean) && known) return { master: masters[0]!, masters, replicas };
    }
    await sleep(250);
  }
  throw new Error(`no single agreed master in time: ${seen}`);
}

/**
 * A Sentinel release at rest again: every pod ready, one master that every sentinel (all `sentinels`) agrees on, and
 * no sentinel in TILT mode. A sentinel whose process was frozen (its node failed) enters TILT when it runs again and
 * for 30 s neither votes nor fails over: a failure in that time finds no quorum.
 */
export function settledSentinelRelease(sentinels: number): ReleaseSharing {
  return {
    async settle(release) {
      await release.waitReady({ timeoutMs: 120_000 });
      await waitForSingleMaster(release, { sentinels, timeoutMs: 90_000 });
      await waitUntilNoTilt(release, 60_000);
    },
  };
}

async function waitUntilNoTilt(release: Release, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let tilted: string[] = [];
  while (Date.now() < deadline) {
    tilted = [];
    for (const s of await sentinelPods(release)) {
      if (!/sentinel_tilt:0\r?\n/.test(String(await ask(release, s.name, SENTINEL_PORT, 'INFO', 'sentinel')))) tilted.push(s.name);
    }
    if (tilted.length === 0) return;
    await sleep(1000);
  }
  throw new Error(`sentinels still in TILT mode (or not answering): ${tilted.join(', ')}`);
}

/** Every answering sentinel has discovered all replicas and the other sentinels (it needs both to fail over). */
async function sentinelsKnowEveryone(release: Release, sentinels: string[], replicas: number): Promise<boolean> {
  for (const s of sentinels) {
    const fields = (await ask(release, s, SENTINEL_PORT, 'SENTINEL', 'master', MASTER_SET)) as string[] | undefined;
    if (!fields) return false;
    const get = (k: string) => Number(fields[fields.indexOf(k) + 1]);
    if (get('num-slaves') < replicas || get('num-other-sentinels') < sentinels.length - 1) return false;
  }
  return true;
}

/**
 * How long a client waits for a reply before it gives up on a command (and on a silent connection). Unset: 2 s (1.5 s
 * for a silent socket), which a failed node's silent connection needs; an application may wait longer.
 */
export interface ClientPatience {
  replyTimeoutMs?: number;
}

/**
 * A Sentinel-aware ioredis client as an application would use, reaching cluster names through the
 * release's natMap (live: a re-created pod gets a new address).
 */
export async function sentinelClient(release: Release, opts: { viaService?: boolean } & ClientPatience = {}): Promise<{ client: Redis; close: () => void }> {
  const pw = await password(release);
  const map = await release.natMap(REDIS_PORT);
  // Through the sentinel Service when sentinel pods are re-created during the run (an upgrade): their addresses change.
  const sentinels = opts.viaService
    ? [await release.endpoint({ service: serviceNamed(release, '-sentinel') }, SENTINEL_PORT)]
    : await Promise.all((await sentinelPods(release)).map((s) => release.endpoint({ pod: s.name }, SENTINEL_PORT)));
  const client = new Redis({
    sentinels, name: MASTER_SET, username: appUser(release), password: pw, sentinelPassword: pw,
    ...(await tlsOptions(release, { sentinels: true })),
    natMap: (key: string) => map[key] ?? null,
    connectTimeout: 1000, commandTimeout: opts.replyTimeoutMs ?? 2000, sentinelCommandTimeout: 1000,
    // A failed node keeps the old master's connection open and silent: the socket timeout closes it (WAIT's 1 s fits).
    socketTimeout: opts.replyTimeoutMs ?? 1500,
    retryStrategy: () => 100, sentinelRetryStrategy: () => 100, maxRetriesPerRequest: 1,
    enableOfflineQueue: true, updateSentinels: false,
    reconnectOnError: (err: Error) => (/READONLY|NOREPLICAS|LOADING|MASTERDOWN/.test(err.message) ? 2 : false),
  });
  // Connection errors during a failover are expected; the writer records what fails.
  client.on('error', () => undefined);
  return { client, close: () => client.disconnect() };
}

/** The name of the release's Service whose name ends with `suffix` (`-redis-master`, `-sentinel`). */
export function serviceNamed(release: Release, suffix: string): string {
  const svc = release.manifests.find((o) => o.kind === 'Service' && String(o.metadata?.name).endsWith(suffix));
  if (!svc) throw new Error(`the release has no Service named *${suffix}`);
  return svc.metadata.name as string;
}

/** A plain client of the -master Service (the HAProxy master endpoint) from the connection Secret's redis-url, as an
 * application uses it, pointed at a reachable endpoint. */
export async function masterServiceClient(release: Release, patience: ClientPatience = {}): Promise<Redis> {
  const url = new URL((await release.secret(connectionSecretName(release.name)))['redis-url']!);
  const ep = await release.endpoint({ service: serviceNamed(release, '-redis-master') }, REDIS_PORT);
  url.hostname = ep.host;
  url.port = String(ep.port);
  // A failed or stopping master keeps a connection open and silent: the socket timeout closes it (WAIT's 1 s fits).
  const client = new Redis(url.toString(), { ...(await tlsOptions(release)), connectTimeout: 1000, commandTimeout: patience.replyTimeoutMs ?? 2000, socketTimeout: patience.replyTimeoutMs ?? 1500, maxRetriesPerRequest: 1, retryStrategy: () => 200 });
  client.on('error', () => undefined);
  return client;
}
