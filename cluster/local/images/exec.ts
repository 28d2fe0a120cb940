// Runs the host tools the builder needs, and names the Debian package to install when one is missing.
import { execFile } from 'node:child_process';

const TOOL_PACKAGES: Record<string, string> = {
  tar: 'tar',
  ldd: 'libc-bin',
  gcc: 'gcc libc6-dev',
  go: 'golang (Go 1.26 or newer, https://go.dev/dl)',
  dpkg: 'dpkg',
  'dpkg-query': 'dpkg',
  busybox: 'busybox-static',
  python3: 'python3 python3-pip',
  unzip: 'unzip',
};

export class ImageBuildError extends Error {
  override name = 'ImageBuildError';
}

export function installHint(tool: string): string {
  return `apt-get install -y ${TOOL_PACKAGES[tool] ?? tool}`;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; a non-zero exit is returned, not thrown (callers decide what it means). */
export function run(cmd: string, args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  const env = opts.env ? { ...process.env, ...opts.env } : undefined;
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: opts.cwd, env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        const tool = cmd.split('/').pop() ?? cmd;
        reject(new ImageBuildError(`${tool} not found: ${installHint(tool)}`));
        return;
      }
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Like run, but a non-zero exit throws with the command's stderr. */
export async function runOk(cmd: string, args: readonly string[], opts: { cwd?: string } = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    throw new ImageBuildError(`${cmd} ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
  }
  return r.stdout;
}
