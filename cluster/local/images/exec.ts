// Runs the host tools the builder needs, and names the Debian package to install when one is missing.
import { run as runCommand, type CommandResult } from '../../../toolchain/run.ts';

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

/** Runs a command without a shell; a non-zero exit is returned, not thrown. A missing tool throws with its package. */
export async function run(cmd: string, args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CommandResult> {
  const r = await runCommand(cmd, args, { cwd: opts.cwd, env: opts.env ? { ...process.env, ...opts.env } : undefined });
  if (r.notFound) {
    const tool = cmd.split('/').pop() ?? cmd;
    throw new ImageBuildError(`${tool} not found: ${installHint(tool)}`);
  }
  return r;
}

/** Like run, but a non-zero exit throws with the command's stderr. */
export async function runOk(cmd: string, args: readonly string[], opts: { cwd?: string } = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    throw new ImageBuildError(`${cmd} ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
  }
  return r.stdout;
}
