import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { requireCommand } from '../../../toolchain/tools.ts';

const PASSWORD = 'observability-test';

/** A port the kernel just handed out on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Debian's redis-server (master with the chart's `admin` ACL user, and a replica), redis-sentinel and
 * prometheus-redis-exporter 1.45 on loopback, in a temporary directory. The exporters run as the chart
 * runs them: multi-target, data nodes as `admin`, sentinels with the password only.
 */
export class LocalRedis {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-obs-'));
  private readonly procs: ChildProcess[] = [];
  ports = { master: 0, replica: 0, sentinel: 0, dataExporter: 0, sentinelExporter: 0 };

  async start(): Promise<void> {
    const server = requireCommand('redis-server', 'redis-server');
    const sentinelBin = requireCommand('redis-sentinel', 'redis-sentinel');
    const exporter = requireCommand('prometheus-redis-exporter', 'prometheus-redis-exporter');
    for (const k of Object.keys(this.ports) as (keyof typeof this.ports)[]) this.ports[k] = await freePort();
    const p = this.ports;
    const common = ['bind 127.0.0.1', `requirepass ${PASSWORD}`, `masterauth ${PASSWORD}`, 'masteruser admin',
      `user admin on >${PASSWORD} ~* &* +@all`, 'maxmemory 64mb', 'save ""', 'repl-diskless-sync-delay 0'];
    this.run(server, this.conf('master', [`port ${p.master}`, ...common]));
    this.run(server, this.conf('replica', [`port ${p.replica}`, ...common, `replicaof 127.0.0.1 ${p.master}`]));
    this.run(sentinelBin, this.conf('sentinel', [`port ${p.sentinel}`, 'bind 127.0.0.1', `requirepass ${PASSWORD}`,
      `sentinel monitor mymaster 127.0.0.1 ${p.master} 1`, 'sentinel auth-user mymaster admin', `sentinel auth-pass mymaster ${PASSWORD}`]));
    const env = { ...process.env, REDIS_ADDR: '', REDIS_PASSWORD: PASSWORD };
    this.run(exporter, [`--web.listen-address=127.0.0.1:${p.dataExporter}`, '--connection-timeout=2s'], { ...env, REDIS_USER: 'admin' });
    this.run(exporter, [`--web.listen-address=127.0.0.1:${p.sentinelExporter}`, '--connection-timeout=2s'], env);
    await waitFor('the replica to sync', async () => /redis_master_link_up\{[^}]*\} 1/.test(await this.scrape('replica')));
    await waitFor('the sentinel to see the replica', async () => /redis_sentinel_master_slaves\{[^}]*\} 1/.test(await this.scrape('sentinel')));
  }

  /** The exporter's answer for one target, as Prometheus would get it through `/scrape?target=`. */
  async scrape(target: 'master' | 'replica' | 'sentinel'): Promise<string> {
    const port = target === 'sentinel' ? this.ports.sentinelExporter : this.ports.dataExporter;
    const res = await fetch(`http://127.0.0.1:${port}/scrape?target=127.0.0.1:${this.ports[target]}`, { signal: AbortSignal.timeout(10_000) });
    return res.text();
  }

  async stop(): Promise<void> {
    await Promise.all(this.procs.map((c) => new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    })));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private conf(name: string, lines: string[]): string[] {
    const file = path.join(this.dir, `${name}.conf`);
    fs.mkdirSync(path.join(this.dir, name));
    fs.writeFileSync(file, [...lines, `dir ${path.join(this.dir, name)}`, ''].join('\n'));
    return [file];
  }

  private run(bin: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
    const c = spawn(bin, args, { env, stdio: 'ignore' });
    this.procs.push(c);
  }
}

/** Metric names in an exposition-format text. */
export function exposedMetrics(text: string): Set<string> {
  return new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0]!));
}
