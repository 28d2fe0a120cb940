import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GENERATOR_DIR } from '../../generator/paths.ts';
import { requireCommand } from '../../toolchain/tools.ts';

/** The tools the scripts call, checked up front so a missing one fails naming its package. */
export function requireBackupTools(): void {
  requireCommand('redis-server', 'redis-server');
  requireCommand('redis-cli', 'redis-tools');
  requireCommand('redis-check-rdb', 'redis-tools');
  requireCommand('rclone', 'rclone');
  requireCommand('gzip', 'gzip');
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `rc-backup-${prefix}-`));
}

/** The files a pod finds under /scripts: lib.sh, the backup chart's scripts and the server's restore scripts. */
export function scriptsDir(): string {
  const dir = tempDir('scripts');
  const sources = [
    path.join(GENERATOR_DIR, 'charts/shared/files/lib.sh'),
    ...['redis-backup', 'redis-server'].flatMap((chart) => {
      const d = path.join(GENERATOR_DIR, 'charts', chart, 'files');
      return fs.readdirSync(d).filter((f) => f.endsWith('.sh')).map((f) => path.join(d, f));
    }),
  ];
  for (const f of sources) fs.copyFileSync(f, path.join(dir, path.basename(f)));
  return dir;
}

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run a chart script with `sh` and only the given environment (plus PATH), as a pod would. The host's AWS_* and
 * proxy variables must not leak into rclone.
 */
export function runScript(scripts: string, script: string, env: Record<string, string>, stdin = ''): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [path.join(scripts, script)], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), SCRIPTS_DIR: scripts, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    // A script that exits before reading its input closes the pipe: that is not an error of the script.
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  });
}

/** The environment lib.sh expects in a pod, for a standalone node on a loopback port. */
export function podEnv(port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    POD_NAME: 'test-redis-0',
    POD_NAMESPACE: 'default',
    CLUSTER_DOMAIN: 'cluster.local',
    HEADLESS_SERVICE: 'test-redis-headless',
    REDIS_PORT: String(port),
    SENTINEL_PORT: '26379',
    CLI_BIN: 'redis-cli',
    CHECK_RDB_BIN: 'redis-check-rdb',
    DATA_PODS: '',
    SENTINELS: '',
    MASTER_SET: 'mymaster',
    AUTH_ENABLED: 'false',
    ...extra,
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A redis-server on a loopback port with its data in `dir`; stop() shuts it down. */
export class LocalRedis {
  private constructor(readonly port: number, readonly dir: string, private readonly proc: ChildProcess) {}

  static async start(dir: string, args: string[] = []): Promise<LocalRedis> {
    const port = await freePort();
    const proc = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--repl-diskless-sync-delay', '0', ...args], { stdio: 'ignore' });
    const redis = new LocalRedis(port, dir, proc);
    const deadline = Date.now() + 10_000;
    while ((await redis.cli('PING').catch(() => '')) !== 'PONG') {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`redis-server on port ${port} did not start (exit ${proc.exitCode})`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return redis;
  }

  cli(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const c = spawn('redis-cli', ['-h', '127.0.0.1', '-p', String(this.port), ...args]);
      let out = '';
      c.stdout.on('data', (d) => (out += d));
      c.on('error', reject);
      c.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`redis-cli ${args.join(' ')} exited ${code}`))));
    });
  }

  /** Pipe raw commands (one per line) through redis-cli. */
  pipe(commands: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const c = spawn('redis-cli', ['-h', '127.0.0.1', '-p', String(this.port)], { stdio: ['pipe', 'ignore', 'inherit'] });
      c.on('error', reject);
      c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli exited ${code}`))));
      c.stdin.end(commands);
    });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}
