import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterBinaries } from './components.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The git-ignored folder the cluster build writes to. */
export const toolsDir = () => join(repoRoot, '.tools', 'cluster');

/**
 * Where the local images are built. REDIS_CHARTS_IMAGES_DIR puts them elsewhere, e.g. for a git worktree that
 * shares .tools with another checkout whose image builder differs (each build would otherwise replace the other's).
 */
export const imagesDir = () => process.env['REDIS_CHARTS_IMAGES_DIR'] || join(toolsDir(), 'images');

/** The built binaries, or an error that names what is missing and the command that builds it. */
export function clusterBinaries(): ClusterBinaries {
  const bin = { kube: join(toolsDir(), 'bin', 'kube'), netpol: join(toolsDir(), 'bin', 'netpol'), containerd: '/usr/bin/containerd' };
  for (const [name, path] of Object.entries(bin)) {
    if (!existsSync(path)) {
      const fix = name === 'containerd' ? 'apt-get install -y containerd runc containernetworking-plugins' : 'npm run setup (builds the local cluster from its Go modules)';
      throw new Error(`local cluster: ${name} not found at ${path}; fix: ${fix}`);
    }
  }
  return bin;
}
