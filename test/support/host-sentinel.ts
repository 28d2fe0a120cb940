// A small Sentinel setup from the host's redis-server and redis-sentinel, on random loopback ports in a temp dir:
// one master, two replicas (so the promoted one still has a replica for WAIT 1) and one sentinel with
// down-after 1000 ms. For testing the client programs in clients/ before they run in the cluster.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../observability/support/local-redis.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { Processes } from './processes.ts';

export const HOST_MASTER_SET = 'mymaster';
export const HOST_PASSWORD = 'host-sentinel-pw';

export interface HostSentinel {
  /** "127.0.0.1:<port>" of the sentinel, as SENTINELS takes it. */
  sentinels: string;
  masterSet: string;
  password: string;
  /** Port of the master now, as the sentinel names it. */
  masterPort(): Promise<number>;
  /** SIGKILL of the current master process; resolves with the time of the kill. */
  killMaster(): Promise<number>;
  /** Waits until the sentinel names another master and that master has a replica linked. */
  waitForFailover(oldPort: number, timeoutMs?: number): Promise<number>;
  client(port: number): Redis;
  /** Kills every process this setup started, by pid. */
  stop(): Promise<void>;
}

export async function startHostSentinel(): Promise<HostSentinel> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-host-sentinel-'));
  const procs = new Processes();
  const start = (cmd: string, args: string[], name: string) => procs.start([cmd, ...args], { ...process.env } as Record<string, string>, path.join(dir, `${name.replace(':', '-')}.log`));
  const logs = () => fs.readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8').slice(-1500)).join('\n');
  const auth = ['--requirepass', HOST_PASSWORD, '--masterauth', HOST_PASSWORD];
  const server = (port: number, extra: string[]) => {
    const data = path.join(dir, String(port));
    fs.mkdirSync(data);
    return start('/usr/bin/redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', data, '--save', '', '--appendonly', 'no',
      '--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', ...auth, ...extra,
    ], `redis:${port}`);
  };
  const ports = await Promise.all([freePort(), freePort(), freePort()]);
  const sentinelPort = await freePort();
  const byPort = new Map<number, ChildProcess>();
  const stop = async () => {
    await procs.killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const track = (port: number, child: ChildProcess) => byPort.set(port, child);
  const client = (port: number) => {
    const c = new Redis({ host: '127.0.0.1', port, password: HOST_PASSWORD, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
    c.on('error', () => undefined);
    return c;
  };
  const ask = async (port: number, ...args: string[]): Promise<unknown> => {
    const c = client(port);
    try {
      await c.connect();
      return await c.call(args[0]!, ...args.slice(1));
    } catch {
      return undefined;
    } finally {
      c.disconnect();
    }
  };
  try {
    track(ports[0]!, server(ports[0]!, []));
    for (const p of ports.slice(1)) track(p, server(p, ['--replicaof', '127.0.0.1', String(ports[0])]));
    const conf = path.join(dir, 'sentinel.conf');
    fs.writeFileSync(conf, [
      `port ${sentinelPort}`, 'bind 127.0.0.1', `dir ${dir}`, `requirepass ${HOST_PASSWORD}`,
      `sentinel monitor ${HOST_MASTER_SET} 127.0.0.1 ${ports[0]} 1`,
      `sentinel auth-pass ${HOST_MASTER_SET} ${HOST_PASSWORD}`,
      `sentinel down-after-milliseconds ${HOST_MASTER_SET} 1000`,
      `sentinel failover-timeout ${HOST_MASTER_SET} 5000`, '',
    ].join('\n'));
    start('/usr/bin/redis-sentinel', [conf], 'sentinel');

    const masterPort = async () => {
      const addr = (await ask(sentinelPort, 'SENTINEL', 'get-master-addr-by-name', HOST_MASTER_SET)) as string[] | undefined;
      return Number(addr?.[1] ?? 0);
    };
    const linkedReplicas = async (port: number) => Number(/connected_slaves:(\d+)/.exec(String(await ask(port, 'INFO', 'replication')))?.[1] ?? 0);
    // Ready: both replicas linked, and the sentinel knows both (it promotes only replicas it knows).
    const deadline = Date.now() + 20_000;
    for (;;) {
      const known = (await ask(sentinelPort, 'SENTINEL', 'replicas', HOST_MASTER_SET)) as unknown[] | undefined;
      if ((await linkedReplicas(ports[0]!)) === 2 && known?.length === 2) break;
      if (Date.now() > deadline) throw new Error(`host sentinel setup not ready in 20 s:\n${logs()}`);
      await sleep(100);
    }
    return {
      sentinels: `127.0.0.1:${sentinelPort}`,
      masterSet: HOST_MASTER_SET,
      password: HOST_PASSWORD,
      masterPort,
      client,
      async killMaster() {
        const port = await masterPort();
        const child = byPort.get(port);
        if (!child?.pid) throw new Error(`no process of ours on master port ${port}`);
        const at = Date.now();
        process.kill(child.pid, 'SIGKILL');
        return at;
      },
      async waitForFailover(oldPort, timeoutMs = 30_000) {
        const until = Date.now() + timeoutMs;
        while (Date.now() < until) {
          const port = await masterPort();
          if (port && port !== oldPort && (await linkedReplicas(port)) >= 1) return port;
          await sleep(100);
        }
        throw new Error(`no failover within ${timeoutMs} ms:\n${logs()}`);
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
