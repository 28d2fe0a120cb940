// Locates the tools installed by scripts/setup-tools.mjs (pinned Helm binaries) and apt commands on PATH.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type HelmMajor = 3 | 4;

export class ToolMissingError extends Error {
  override name = 'ToolMissingError';
}

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

// Versions must match HELM_PINS in scripts/setup-tools.mjs.
export const HELM: Record<HelmMajor, { version: string; path: string }> = {
  3: { version: '3.17.2', path: join(repoRoot, '.tools', 'helm3', 'helm') },
  4: { version: '4.1.4', path: join(repoRoot, '.tools', 'helm4', 'helm') },
};

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

// A non-root user's PATH often lacks the sbin directories where Debian puts haproxy and ip.
function findOnPath(cmd: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  return dirs.filter((dir) => dir !== '').map((dir) => join(dir, cmd)).find(isExecutableFile);
}

export function helmBinary(major: HelmMajor): string {
  const { version, path } = HELM[major];
  if (!isExecutableFile(path)) {
    throw new ToolMissingError(`helm ${version} is not installed at ${relative(repoRoot, path)}: run \`npm run setup\``);
  }
  return path;
}

/** The helm a user would run themselves: one on PATH if present, else the pinned Helm 4. */
export function userHelm(): string {
  return findOnPath('helm') ?? helmBinary(4);
}

export function requireCommand(cmd: string, aptPackage: string): string {
  const found = findOnPath(cmd);
  if (found === undefined) {
    throw new ToolMissingError(
      `${cmd} is not on PATH: install it with \`apt-get install -y ${aptPackage}\` (or run \`npm run setup\`)`,
    );
  }
  return found;
}
