// The one process runner for commands that run to completion: helm, kubectl, rclone, the image builder's tools.
// Long-running children (the cluster's components, port-forwards) are spawned where they are supervised.
import { execFile, execFileSync, type ExecFileOptions } from 'node:child_process';
import { stopOnAbort } from './stop-on-abort.ts';

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
  /** The command could not be started: no such file. */
  notFound?: true;
}

export type RunOptions = ExecFileOptions & {
  input?: string;
  /** Stops the command (SIGTERM, later SIGKILL); the call then rejects with the signal's reason once it has exited. */
  signal?: AbortSignal;
};

/** Run a command to completion; never throws for a non-zero exit (the caller decides). */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
  const { signal, input, ...execOpts } = opts;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const child = execFile(cmd, args, { maxBuffer: 64 << 20, encoding: 'utf8', ...execOpts }, (error, stdout, stderr) => {
      exited();
      if (signal?.aborted) return reject(signal.reason);
      const errno = (error as NodeJS.ErrnoException | null)?.code;
      // 127 for a command that could not be started, as a shell reports it.
      if (errno === 'ENOENT') return resolve({ stdout: '', stderr: `${cmd}: not found`, code: 127, notFound: true });
      const code = !error ? 0 : typeof errno === 'number' ? errno : 1;
      resolve({ stdout: String(stdout), stderr: String(stderr) || (error && code === 1 ? error.message : ''), code });
    });
    const exited = stopOnAbort(child, signal);
    child.stdin?.on('error', () => {}); // a command that exits before reading its input
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Run a command and fail with its own error output, naming the command. */
export async function runChecked(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
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
