import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { killGroupSync } from './cleanup.ts';
import { setprivArgs, type ContainerUser } from './pod-root.ts';
import type { ExecResult } from '../types.ts';

export interface ContainerExit {
  code: number;
  signal: NodeJS.Signals | null;
  at: number;
}

export interface LaunchSpec {
  netnsPath: string;
  /** The mount-namespace setup script (see pod-root.ts); it ends by exec'ing "$@". */
  script: string;
  argv: string[];
  env: Record<string, string>;
  logFile: string;
}

/**
 * One run of a container: a single process (nsenter → unshare → sh → chroot → setpriv → the command, all by exec)
 * in its own process group, so its PID is the container's main process and a group kill reaches its children.
 */
export class ContainerProcess {
  readonly exited: Promise<ContainerExit>;
  private done = false;

  private constructor(readonly pid: number, exited: Promise<ContainerExit>) {
    this.exited = exited.finally(() => {
      this.done = true;
      // A container's leftover children die with it, as they do with its PID namespace.
      killGroupSync(this.pid);
    });
  }

  get running(): boolean {
    return !this.done;
  }

  static start(spec: LaunchSpec): ContainerProcess {
    const fd = openSync(spec.logFile, 'a');
    try {
      const child = spawn(
        '/usr/bin/nsenter',
        [
          `--net=${spec.netnsPath}`,
          '--',
          '/usr/bin/unshare',
          '--mount',
          '--uts',
          '--propagation',
          'private',
          '--',
          '/bin/sh',
          '-c',
          spec.script,
          'sandbox-launch',
          ...spec.argv,
        ],
        { detached: true, stdio: ['ignore', fd, fd], env: spec.env },
      );
      const exited = new Promise<ContainerExit>((resolve) => {
        child.once('error', () => resolve({ code: 127, signal: null, at: Date.now() }));
        child.once('exit', (code, signal) =>
          resolve({ code: code ?? 128 + signalNumber(signal), signal, at: Date.now() }),
        );
      });
      if (child.pid === undefined) return new ContainerProcess(-1, exited);
      return new ContainerProcess(child.pid, exited);
    } finally {
      closeSync(fd);
    }
  }

  signal(sig: NodeJS.Signals): void {
    if (this.done || this.pid < 0) return;
    try {
      process.kill(this.pid, sig);
    } catch {}
  }

  killGroup(): void {
    if (this.pid > 0) killGroupSync(this.pid);
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const n: Partial<Record<NodeJS.Signals, number>> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGSEGV: 11, SIGABRT: 6, SIGHUP: 1 };
  return signal ? (n[signal] ?? 1) : 0;
}

/** Run a command inside a running container: its mount, UTS and network namespaces, its root and cwd, its user. */
export function execInContainer(
  pid: number,
  user: ContainerUser | undefined,
  env: Record<string, string>,
  argv: string[],
  opts: { stdin?: string; timeoutMs?: number } = {},
): Promise<ExecResult & { timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(
      '/usr/bin/nsenter',
      ['-t', String(pid), '-m', '-u', '-n', '-r', '-w', '--', ...setprivArgs(user), ...argv],
      { detached: true, env, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            if (child.pid) killGroupSync(child.pid);
          }, opts.timeoutMs)
        : undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => {});
    child.stdin.end(opts.stdin ?? '');
    const finish = (code: number) => {
      clearTimeout(timer);
      if (child.pid) killGroupSync(child.pid);
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code, timedOut });
    };
    child.once('error', (e) => {
      err.push(Buffer.from(String(e)));
      finish(127);
    });
    child.once('close', (code, signal) => finish(code ?? 128 + signalNumber(signal)));
  });
}

/** Per-container log files: the current run and the previous one, as `kubectl logs --previous` shows. */
export class ContainerLogs {
  constructor(private readonly dir: string, private readonly container: string) {}

  get current(): string {
    return join(this.dir, `${this.container}.log`);
  }

  get previous(): string {
    return join(this.dir, `${this.container}.previous.log`);
  }

  async rotate(): Promise<void> {
    await rename(this.current, this.previous).catch(() => undefined);
  }

  async read(previous = false): Promise<string> {
    return readFile(previous ? this.previous : this.current, 'utf8').catch(() => '');
  }

  async tail(lines = 20, previous = false): Promise<string> {
    const all = (await this.read(previous)).split('\n');
    if (all.at(-1) === '') all.pop();
    return all.slice(-lines).join('\n');
  }

  async remove(): Promise<void> {
    await rm(this.current, { force: true });
    await rm(this.previous, { force: true });
  }
}
