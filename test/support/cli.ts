// Runs the redis-charts CLI as a user would: a separate `node bin/redis-charts.js` process.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../generator/paths.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = path.join(REPO_ROOT, 'bin', 'redis-charts.js');

export function runCli(args: string[], cwd = REPO_ROOT): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
