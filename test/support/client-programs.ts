// How to run each clients/ program on this machine: the go-redis probe built from its module, the redis-py probe
// with the pinned wheels on PYTHONPATH, the ioredis probe with this repository's node_modules.
import os from 'node:os';
import path from 'node:path';
import { buildGoProgram } from '../../cluster/local/images/go-program.ts';
import { wheelTree } from '../../cluster/local/images/pypi.ts';
import { ASYNC_TIMEOUT_WHEEL, REDIS_PY_WHEEL, REPO_ROOT } from '../../cluster/local/images/specs.ts';

export type ClientName = 'go-redis' | 'redis-py' | 'ioredis';
export const CLIENT_NAMES: readonly ClientName[] = ['go-redis', 'redis-py', 'ioredis'];

export interface HostPrograms {
  argv(client: ClientName): string[];
  /** Extra environment the program needs on the host. */
  env(client: ClientName): Record<string, string>;
}

/** Builds the Go probe and unpacks the pinned wheels under `workDir`. */
export async function hostPrograms(workDir = path.join(os.tmpdir(), 'redis-charts-client-programs')): Promise<HostPrograms> {
  const goBinary = path.join(workDir, 'go-redis-writer');
  await buildGoProgram(path.join(REPO_ROOT, 'clients/go-redis'), goBinary);
  const cache = path.join(workDir, 'pypi-cache');
  const roots = await Promise.all([
    wheelTree({ ...REDIS_PY_WHEEL, dir: 'redis' }, cache),
    wheelTree({ ...ASYNC_TIMEOUT_WHEEL, dir: 'async_timeout' }, cache),
  ]);
  const argv: Record<ClientName, string[]> = {
    'go-redis': [goBinary],
    // The Debian python the image copies, not whichever python3 is first on PATH.
    'redis-py': ['/usr/bin/python3', '-u', path.join(REPO_ROOT, 'clients/redis-py/writer.py')],
    ioredis: [process.execPath, path.join(REPO_ROOT, 'clients/ioredis/writer.mjs')],
  };
  return {
    argv: (c) => argv[c],
    env: (c): Record<string, string> => (c === 'redis-py' ? { PYTHONPATH: roots.map((r) => r.root).join(':'), PYTHONNOUSERSITE: '1' } : {}),
  };
}
