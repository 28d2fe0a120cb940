import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { requireCommand } from '../../../toolchain/tools.ts';
import { freePort } from './local-redis.ts';

export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt: string;
}

/** Debian's Prometheus server on a loopback port, with its own temporary directory. */
export class PrometheusServer {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-prometheus-'));
  private proc: ChildProcess | undefined;
  private port = 0;
  private log = '';

  /** `scrapeConfigs` and `rules` are plain Prometheus config fragments (the chart's ConfigMaps). */
  async start(opts: { scrapeConfigs: unknown[]; rules: string; evaluationInterval: string }): Promise<void> {
    const bin = requireCommand('prometheus', 'prometheus');
    this.port = await freePort();
    fs.writeFileSync(path.join(this.dir, 'rules.yaml'), opts.rules);
    fs.writeFileSync(path.join(this.dir, 'prometheus.yml'), stringify({
      global: { evaluation_interval: opts.evaluationInterval },
      rule_files: [path.join(this.dir, 'rules.yaml')],
      scrape_configs: opts.scrapeConfigs,
    }));
    this.proc = spawn(bin, [
      `--config.file=${path.join(this.dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(this.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${this.port}`, '--log.level=warn',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc.stderr!.on('data', (d: Buffer) => { this.log = (this.log + d.toString()).slice(-4000); });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`prometheus exited: ${this.log}`);
      if (await this.get('/-/ready').then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`prometheus not ready after 20 s: ${this.log}`);
  }

  async alerts(): Promise<PromAlert[]> {
    const body = (await (await this.get('/api/v1/alerts')).json()) as { data: { alerts: PromAlert[] } };
    return body.data.alerts;
  }

  /** Instant query; returns [labels, value] per series. */
  async query(expr: string): Promise<[Record<string, string>, number][]> {
    const body = (await (await this.get(`/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as
      { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    return body.data.result.map((r) => [r.metric, Number(r.value[1])]);
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null && p.signalCode === null) {
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => p.kill('SIGKILL'), 5000);
        p.once('exit', () => { clearTimeout(force); resolve(); });
        p.kill('SIGTERM');
      });
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private get(urlPath: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.port}${urlPath}`, { signal: AbortSignal.timeout(5000) });
  }
}
