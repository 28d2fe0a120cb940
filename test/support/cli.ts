// Runs the redis-charts CLI as a user would: a separate `node bin/redis-charts.js` process.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../generator/paths.ts';
import { run, type CommandResult } from '../../toolchain/run.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'redis-charts.js');

export function runCli(args: string[], cwd = REPO_ROOT): Promise<CommandResult> {
  return run(process.execPath, [BIN, ...args], { cwd });
}

/** Resolves with everything printed once `pattern` appears (or rejects when the process ends first). */
export function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) { clearTimeout(timer); resolve(out); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`up exited with ${code}:\n${out}`)); });
  });
}
