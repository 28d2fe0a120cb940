// One of the clients/ programs run as a process on this machine (directly, or chrooted into its image's rootfs).
import { spawn } from 'node:child_process';
import { parseWriterResult, type WriterResult } from './writer-result.ts';

export interface WriterProcess {
  /** Resolves when the program printed READY (about 50 acknowledged writes). */
  ready: Promise<void>;
  /** Waits for the program to exit 0 and returns its RESULT. */
  result(): Promise<WriterResult>;
  /** SIGKILL, by pid, if it still runs. */
  kill(): void;
}

export function startWriterProcess(argv: string[], env: Record<string, string>, timeoutMs = 120_000): WriterProcess {
  const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let onReady: () => void = () => undefined;
  let onFail: (e: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => { onReady = resolve; onFail = reject; });
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (/^READY$/m.test(stdout)) onReady();
  });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  void exited.then((code) => onFail(new Error(`${argv.join(' ')} exited (${code}) before READY:\n${stdout.slice(-1000)}${stderr.slice(-2000)}`)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  timer.unref();
  return {
    ready,
    async result() {
      const code = await exited;
      clearTimeout(timer);
      if (code !== 0) throw new Error(`${argv.join(' ')} exited with ${code}:\n${stderr.slice(-3000)}`);
      return parseWriterResult(stdout);
    },
    kill() {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    },
  };
}
