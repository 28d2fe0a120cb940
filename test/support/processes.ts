import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** Processes a test started, each killed by its own pid when the test is done. */
export class Processes {
  private readonly started: ChildProcess[] = [];

  /** Start a program with its output in a log file; the child is the program itself (scripts end in exec). */
  start(argv: string[], env: Record<string, string>, log: string): ChildProcess {
    const out = fs.openSync(log, 'a');
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    this.started.push(child);
    return child;
  }

  async killAll(): Promise<void> {
    await Promise.all(this.started.splice(0).map((c) => new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return resolve();
      c.once('exit', () => resolve());
      process.kill(c.pid, 'SIGKILL');
    })));
  }
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}
