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

  constructor(readonly password: string) {}

  async start(opts: { replica: boolean; sentinel: boolean }): Promise<void> {
    requireCommand('redis-server', 'redis-server');
    requireCommand('redis-sentinel', 'redis-sentinel');
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
      const scripts = hostScripts(path.join(this.dir, 'sentinel'));
      fs.copyFileSync(path.join(this.dir, 'password'), path.join(this.dir, 'sentinel', 'password'));
      this.processes.start(['sh', scripts.sentinelStart], this.env('sentinel-0', {
        SENTINEL_BIN: 'redis-sentinel', QUORUM: '1', DOWN_AFTER_MS: '1000', FAILOVER_TIMEOUT_MS: '10000', PARALLEL_SYNCS: '1',
      }), path.join(this.dir, 'sentinel.log'));
      await waitFor('the sentinel to answer', () => this.pings(MASTER_IP, this.sentinelPort));
    }
  }

  /** A client of one node, as `user` (none: the default user, or a sentinel). */
  client(host: string, port: number, user?: string, password = this.password): Redis {
    const c = new Redis({ host, port, password, ...(user ? { username: user } : {}), lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined);
    return c;
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

  private dataNode(index: number, ip: string) {
    const dir = path.join(this.dir, `db-${index}`);
    const scripts = hostScripts(dir);
    fs.writeFileSync(path.join(dir, 'base.conf'), [`bind ${ip}`, `port ${this.redisPort}`, `dir ${path.join(dir, 'data')}`, 'save ""', ''].join('\n'));
    fs.copyFileSync(path.join(this.dir, 'password'), path.join(dir, 'password'));
    this.processes.start(['sh', scripts.serverStart], this.env(`db-${index}`, { SERVER_BIN: 'redis-server', DISABLED_COMMANDS: 'FLUSHALL' }), path.join(this.dir, `db-${index}.log`));
  }

  private env(pod: string, extra: Record<string, string>): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.dir,
      AUTH_ENABLED: 'true', POD_NAME: pod, POD_NAMESPACE: 'ns', CLUSTER_DOMAIN: 'cluster.local', HEADLESS_SERVICE: 'headless',
      REDIS_PORT: String(this.redisPort), SENTINEL_PORT: String(this.sentinelPort), CLI_BIN: 'redis-cli',
      DATA_PODS: `${MASTER_IP} ${REPLICA_IP}`, SENTINELS: '', MASTER_SET: 'mymaster',
      ...extra,
    };
  }
}
