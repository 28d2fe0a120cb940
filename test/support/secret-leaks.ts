/**
 * Where a password or a private key must never appear: ConfigMaps, environment values written into a pod spec,
 * container arguments (as specified, and as the node's processes show them: readable by every process on the node),
 * and pod logs. The secrets looked for are the ones registered (the scenarios' passwords) plus what the release's
 * password Secret holds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Release } from '../../cluster/driver.ts';
import { authSecretRef } from './ha.ts';
import { internalAuthSecretName } from '../../generator/charts/names.ts';

export interface Leak {
  /** e.g. "ConfigMap x key y", "pod p container c argv", "process 123 (pod p)". */
  where: string;
  /** Which secret: "a password" or "a private key" (never the value itself). */
  what: string;
}

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
/** Shorter values would match by chance (a password of "redis" in every log line naming the product). */
const MIN_SECRET_LENGTH = 8;

const registered = new Set<string>();

/** A secret the scenarios use (a password given in values, a rotation's next password): looked for everywhere. */
export function registerSecret(value: string): void {
  if (value.length >= MIN_SECRET_LENGTH) registered.add(value);
}

function secretIn(text: string, secrets: ReadonlySet<string>): string | undefined {
  if (PRIVATE_KEY.test(text)) return 'a private key';
  for (const s of secrets) if (text.includes(s)) return 'a password';
  return undefined;
}

/**
 * The registered secrets plus every value of the release's password Secret (generated passwords included) and every
 * password of its internal users (README: ACL users; their SHA-256 open nothing and are not looked for).
 */
async function secretsOf(release: Release): Promise<Set<string>> {
  const secrets = new Set(registered);
  const none = () => ({}) as Record<string, string>;
  const data = await release.secret(authSecretRef(release).name).catch(none);
  const internal = await release.secret(internalAuthSecretName(release.name)).catch(none);
  const internalPasswords = Object.entries(internal).filter(([k]) => !k.endsWith('.sha256')).map(([, v]) => v);
  for (const v of [...Object.values(data), ...internalPasswords]) if (v.length >= MIN_SECRET_LENGTH) secrets.add(v);
  return secrets;
}

/** Pod UID of a host process run by a kubelet of the local cluster (its cgroup path names the pod), if any. */
function podUidOf(pid: string): string | undefined {
  try {
    return /\/kubepods\/(?:[^/]+\/)?pod([0-9a-f-]{36})\//.exec(readFileSync(`/proc/${pid}/cgroup`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

function argvOf(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** The arguments of every process running in one of these pods on this machine (the local cluster's nodes). */
export function hostProcessesOf(podUids: ReadonlySet<string>): Array<{ pid: string; podUid: string; argv: string }> {
  const out: Array<{ pid: string; podUid: string; argv: string }> = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    const uid = podUidOf(pid);
    if (uid && podUids.has(uid)) out.push({ pid, podUid: uid, argv: argvOf(pid) });
  }
  return out;
}

export async function findSecretLeaks(release: Release): Promise<Leak[]> {
  const secrets = await secretsOf(release);
  const leaks: Leak[] = [];
  const check = (where: string, text: string) => {
    const what = secretIn(text, secrets);
    if (what) leaks.push({ where, what });
  };
  for (const cm of await release.configMaps()) {
    for (const [key, value] of Object.entries(cm.data)) check(`ConfigMap ${cm.name} key ${key}`, value);
  }
  const specs = await release.containerSpecs();
  for (const c of specs) {
    check(`pod ${c.pod} container ${c.container} command and args`, c.argv.join(' '));
    for (const [name, value] of Object.entries(c.env)) check(`pod ${c.pod} container ${c.container} env ${name}`, value);
  }
  const podNames = new Map(specs.map((c) => [c.podUid, c.pod]));
  for (const p of hostProcessesOf(new Set(podNames.keys()))) check(`process ${p.pid} of pod ${podNames.get(p.podUid)} (${p.argv.split(' ')[0]})`, p.argv);
  const logs = await Promise.all(specs.map(async (c) => [c, await release.logs(c.pod, c.container).catch(() => '')] as const));
  for (const [c, text] of logs) check(`log of pod ${c.pod} container ${c.container}`, text);
  return leaks;
}

/**
 * Samples the arguments of every process the local cluster's kubelets run, a few times a second, while a scenario
 * runs: a hook, a probe or a script's redis-cli lives for milliseconds, so one look at the end would miss it.
 */
export class ArgvWatch {
  private readonly kubePods = new Map<string, string | undefined>();
  private readonly leaks = new Map<string, Leak>();
  private timer: NodeJS.Timeout | undefined;
  samples = 0;

  constructor(private readonly secrets: Set<string>) {}

  /** Also look for the values of the release's password Secret (known once it is installed). */
  async addSecretsOf(release: Release): Promise<void> {
    for (const s of await secretsOf(release)) this.secrets.add(s);
  }

  start(intervalMs = 250): this {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): Leak[] {
    clearInterval(this.timer);
    this.sample();
    return [...this.leaks.values()];
  }

  private sample(): void {
    this.samples += 1;
    const pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
    const live = new Set(pids);
    for (const pid of this.kubePods.keys()) if (!live.has(pid)) this.kubePods.delete(pid);
    for (const pid of pids) {
      if (!this.kubePods.has(pid)) this.kubePods.set(pid, podUidOf(pid));
      const uid = this.kubePods.get(pid);
      if (!uid) continue;
      const argv = argvOf(pid);
      const what = secretIn(argv, this.secrets);
      if (what) this.leaks.set(`${uid} ${argv.split(' ')[0]}`, { where: `a process of pod ${uid} (${argv.split(' ').slice(0, 3).join(' ')} …)`, what });
    }
  }
}

/** The secrets registered so far: the start of a watch. */
export const registeredSecrets = (): Set<string> => new Set(registered);
