import { execFile, execFileSync, type ExecFileOptions } from 'node:child_process';

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Run a command to completion; never throws for a non-zero exit (the caller decides). */
export function run(cmd: string, args: readonly string[], opts: ExecFileOptions & { input?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { maxBuffer: 64 << 20, encoding: 'utf8', ...opts }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      resolve({ stdout: String(stdout), stderr: String(stderr) || (error && code === 1 ? error.message : ''), code });
    });
    child.stdin?.on('error', () => {}); // a command that exits before reading its input
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Run a command and fail with its own error output, naming the command. */
export async function runChecked(cmd: string, args: readonly string[], opts: ExecFileOptions & { input?: string } = {}): Promise<string> {
  const result = await run(cmd, args, opts);
  if (result.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.code}): ${(result.stderr || result.stdout).trim().slice(-2000)}`);
  }
  return result.stdout;
}

/** For teardown paths that must run synchronously (exit handlers): ignore failures, return stdout. */
export function runQuietSync(cmd: string, args: readonly string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 });
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? '');
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Poll until check() returns a value, at most timeoutMs; the error names what was awaited and the last failure. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? `: ${last}` : ''}`);
    await sleep(intervalMs);
  }
}
