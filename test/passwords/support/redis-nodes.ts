import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { requireCommand } from '../../../toolchain/tools.ts';
import { freePort } from '../../observability/support/local-redis.ts';
import { hostScripts } from './host-scripts.ts';
import { Processes, waitFor } from '../../support/processes.ts';

/** Two loopback addresses, so master and replica use one port as the pods do. */
const MASTER_IP = '127.0.0.1';
const REPLICA_IP = '127.0.0.2';
/** What the scripts make each pod's own name (SELF_FQDN) from; with `names`, these resolve to the addresses above. */
const HEADLESS = 'headless';
const NAMESPACE = 'ns';
const podFqdn = (pod: string) => `${pod}.${HEADLESS}.${NAMESPACE}.svc.cluster.local`;

/** TLS for every node, as the chart configures it (README: TLS). */
export interface NodesTls {
  /** A directory with ca.crt, tls.crt and tls.key: each node's copy of the mounted Secret (/etc/redis-tls). */
  certs: string;
  /** The data node's TLS lines of redis.conf as the chart renders them (port 0, tls-port, tls-*). */
  serverConf: string[];
  authClients: 'no' | 'optional' | 'yes';
}

export interface NodesOptions {
  tls?: NodesTls;
  /**
   * Every process runs in a private mount namespace whose /etc/hosts resolves the pods' names (db-0, db-1 and
   * sentinel-0 under headless.ns.svc.cluster.local) to the loopback addresses, as cluster DNS does: Sentinel then
   * reaches a replica by the name it announces (a failover needs that). Needs root (unshare, mount).
   */
  names?: boolean;
}

/** TLS options of a test client: what it trusts (`ca`) and the key pair it presents, if any. */
export interface ClientTls {
  ca: string;
  cert?: string;
  key?: string;
}

/**
 * A master, a replica and a sentinel started by the chart's own start scripts with a given password, on
 * the host's redis-server and redis-sentinel, in a temporary directory.
 */
export class ScriptedNodes {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-pw-'));
  readonly processes = new Processes();
  readonly masterIp = MASTER_IP;
  readonly replicaIp = REPLICA_IP;
  redisPort = 0;
  sentinelPort = 0;

  constructor(readonly password: string, readonly options: NodesOptions = {}) {}

  /** The pod name a node's scripts announce (replica-announce-ip, sentinel announce-ip). */
  static fqdn(pod: 'db-0' | 'db-1' | 'sentinel-0'): string {
    return podFqdn(pod);
  }

  async start(opts: { replica: boolean; sentinel: boolean; sentinelEnv?: Record<string, string> }): Promise<void> {
    requireCommand('redis-server', 'redis-server');
    requireCommand('redis-sentinel', 'redis-sentinel');
    if (this.options.names) {
      requireCommand('unshare', 'util-linux');
      if (process.getuid?.() !== 0) throw new Error('the pods\' names resolve only in a mount namespace of root\'s (unshare --mount): run as root');
      fs.writeFileSync(this.hostsFile, [
        `127.0.0.1 localhost ${podFqdn('db-0')} ${podFqdn('sentinel-0')}`, `${REPLICA_IP} ${podFqdn('db-1')}`, '',
      ].join('\n'));
    }
    this.redisPort = await freePort();
    this.sentinelPort = await freePort();
    fs.writeFileSync(path.join(this.dir, 'password'), this.password);
    this.dataNode(0, MASTER_IP);
    await waitFor('the master to answer', () => this.pings(MASTER_IP, this.redisPort, 'admin'));
    if (opts.replica) {
      this.dataNode(1, REPLICA_IP);
      await waitFor('the replica to answer', () => this.pings(REPLICA_IP, this.redisPort, 'admin'));
    }
    if (opts.sentinel) {
      const dir = path.join(this.dir, 'sentinel');
      const scripts = hostScripts(dir);
      fs.copyFileSync(path.join(this.dir, 'password'), path.join(dir, 'password'));
      this.copyCerts(dir);
      this.startScript(scripts.sentinelStart, this.env('sentinel-0', {
        SENTINEL_BIN: 'redis-sentinel', QUORUM: '1', DOWN_AFTER_MS: '1000', FAILOVER_TIMEOUT_MS: '10000', PARALLEL_SYNCS: '1',
        ...opts.sentinelEnv,
      }), 'sentinel');
      await waitFor('the sentinel to answer', () => this.pings(MASTER_IP, this.sentinelPort));
    }
  }

  /** The TLS a client uses by default: the nodes' CA, and with authClients yes the nodes' own key pair. */
  defaultClientTls(): ClientTls | undefined {
    const tls = this.options.tls;
    if (!tls) return undefined;
    const file = (f: string) => path.join(tls.certs, f);
    return { ca: file('ca.crt'), ...(tls.authClients === 'yes' ? { cert: file('tls.crt'), key: file('tls.key') } : {}) };
  }

  /** A client of one node, as `user` (none: the default user, or a sentinel); `tls` null: a plaintext client. */
  client(host: string, port: number, user?: string, password = this.password, tls: ClientTls | null | undefined = this.defaultClientTls()): Redis {
    const tlsOptions = tls ? { tls: { ca: fs.readFileSync(tls.ca), ...(tls.cert ? { cert: fs.readFileSync(tls.cert), key: fs.readFileSync(tls.key!) } : {}) } } : {};
    const c = new Redis({ host, port, password, ...(user ? { username: user } : {}), ...tlsOptions, lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined);
    return c;
  }

  /**
   * Runs one command as a client (`tls` as for client()); resolves with the reply, or rejects naming the connection's
   * own error (such as a certificate that does not verify) after ioredis's.
   */
  async callWith(tls: ClientTls | null | undefined, host: string, port: number, user: string | undefined, ...args: string[]): Promise<unknown> {
    const c = this.client(host, port, user, this.password, tls);
    let cause = '';
    c.on('error', (e: Error) => { cause ||= e.message; });
    try {
      await c.connect();
      return await c.call(args[0]!, ...args.slice(1));
    } catch (e) {
      throw new Error(`${(e as Error).message}${cause ? ` (${cause})` : ''}`);
    } finally {
      c.disconnect();
    }
  }

  /** The directory of a data node (0 or 1) or of the sentinel: its scripts, config, data, log, TLS files. */
  nodeDir(node: 0 | 1 | 'sentinel'): string {
    return path.join(this.dir, node === 'sentinel' ? 'sentinel' : `db-${node}`);
  }

  async call(host: string, port: number, user: string | undefined, ...args: string[]): Promise<unknown> {
    const c = this.client(host, port, user);
    try {
      await c.connect();
      return await c.call(args[0]!, ...args.slice(1));
    } finally {
      c.disconnect();
    }
  }

  log(name: string): string {
    const file = path.join(this.dir, `${name}.log`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  async stop(): Promise<void> {
    await this.processes.killAll();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async pings(host: string, port: number, user?: string): Promise<boolean> {
    return (await this.call(host, port, user, 'PING')) === 'PONG';
  }

  private get hostsFile(): string {
    return path.join(this.dir, 'hosts');
  }

  private dataNode(index: number, ip: string) {
    const dir = this.nodeDir(index as 0 | 1);
    const scripts = hostScripts(dir);
    const tls = this.options.tls;
    // The chart's TLS lines, with this node's port and its copy of the Secret.
    const listen = tls
      ? tls.serverConf.map((l) => l.replace(/^tls-port \d+$/, `tls-port ${this.redisPort}`).replaceAll('/etc/redis-tls', path.join(dir, 'tls')))
      : [`port ${this.redisPort}`];
    fs.writeFileSync(path.join(dir, 'base.conf'), [`bind ${ip}`, ...listen, `dir ${path.join(dir, 'data')}`, 'save ""', ''].join('\n'));
    fs.copyFileSync(path.join(this.dir, 'password'), path.join(dir, 'password'));
    this.copyCerts(dir);
    this.startScript(scripts.serverStart, this.env(`db-${index}`, { SERVER_BIN: 'redis-server', DISABLED_COMMANDS: 'FLUSHALL' }), `db-${index}`);
  }

  private copyCerts(dir: string) {
    const tls = this.options.tls;
    if (!tls) return;
    fs.mkdirSync(path.join(dir, 'tls'), { recursive: true });
    for (const f of ['ca.crt', 'tls.crt', 'tls.key']) fs.copyFileSync(path.join(tls.certs, f), path.join(dir, 'tls', f));
  }

  /** A start script (which ends in exec, so the child is the server), in the namespace with the pods' names if asked. */
  private startScript(script: string, env: Record<string, string>, name: string) {
    const argv = this.options.names
      ? ['unshare', '--mount', '--', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', this.hostsFile, 'sh', script]
      : ['sh', script];
    this.processes.start(argv, env, path.join(this.dir, `${name}.log`));
  }

  /** The environment of a script of pod `pod`, as its pod template gives it. */
  env(pod: string, extra: Record<string, string> = {}): Record<string, string> {
    const tls = this.options.tls;
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.dir,
      AUTH_ENABLED: 'true', POD_NAME: pod, POD_NAMESPACE: NAMESPACE, CLUSTER_DOMAIN: 'cluster.local', HEADLESS_SERVICE: HEADLESS,
      REDIS_PORT: String(this.redisPort), SENTINEL_PORT: String(this.sentinelPort), CLI_BIN: 'redis-cli',
      DATA_PODS: `${MASTER_IP} ${REPLICA_IP}`, SENTINELS: '', MASTER_SET: 'mymaster',
      ...(tls ? { TLS_ENABLED: 'true', TLS_AUTH_CLIENTS: tls.authClients, TLS_CLIENT_CERT: String(tls.authClients === 'yes') } : {}),
      ...extra,
    };
  }
}
