import { execFile, execFileSync, type ExecFileOptions } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Run a host command to completion; never throws for a non-zero exit. */
export function run(file: string, args: string[], opts: ExecFileOptions & { input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', ...opts }, (err, stdout, stderr) => {
      const errCode = (err as { code?: unknown } | null)?.code;
      if (typeof errCode === 'string') return reject(err);
      const code = !err ? 0 : typeof errCode === 'number' ? errCode : 128 + 9;
      resolve({ stdout: String(stdout), stderr: String(stderr), code });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Run a host command and throw with its stderr if it fails. */
export async function runOk(file: string, args: string[], opts: ExecFileOptions & { input?: string } = {}): Promise<string> {
  const r = await run(file, args, opts);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** Synchronous best-effort command for exit handlers, where nothing asynchronous runs any more. */
export function runSyncQuiet(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  } catch {
    return '';
  }
}

/** Quote a string for /bin/sh. */
export function shq(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
