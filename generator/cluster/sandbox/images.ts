import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UnsupportedManifestError } from './errors.ts';

/** What an image provides, mapped onto binaries installed on this machine. */
export interface ImageRuntime {
  readonly image: string;
  /** Directory of the per-image binary set, bind-mounted over /usr/local/bin (first on PATH). */
  readonly binDir: string;
  /** Absolute paths in the container root that must exist as symlinks, e.g. /redis_exporter. */
  readonly rootLinks: Readonly<Record<string, string>>;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

type ImageFamily = 'redis' | 'exporter' | 'haproxy' | 'rclone';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const REPOSITORIES: Record<string, ImageFamily> = {
  redis: 'redis',
  'valkey/valkey': 'redis',
  'oliver006/redis_exporter': 'exporter',
  haproxy: 'haproxy',
  'rclone/rclone': 'rclone',
};

const REDIS_TOOLS = ['redis-server', 'redis-sentinel', 'redis-cli', 'redis-check-rdb', 'redis-check-aof', 'redis-benchmark'];

/** Debian's redis binaries pick their mode from argv[0], so valkey-* names need `exec -a redis-*`. */
const BIN_ENTRIES: Record<ImageFamily, Record<string, { link: string } | { script: string }>> = {
  redis: Object.fromEntries([
    ...REDIS_TOOLS.map((t) => [t, { link: `/usr/bin/${t}` }]),
    ...REDIS_TOOLS.map((t) => [
      t.replace('redis-', 'valkey-'),
      { script: `#!/bin/bash\nexec -a ${t} /usr/bin/${t} "$@"\n` },
    ]),
  ]),
  exporter: { redis_exporter: { link: '/usr/bin/prometheus-redis-exporter' } },
  haproxy: { haproxy: { link: '/usr/sbin/haproxy' } },
  rclone: { rclone: { link: '/usr/bin/rclone' } },
};

const FAMILY_RUNTIME: Record<ImageFamily, Pick<ImageRuntime, 'rootLinks' | 'entrypoint' | 'cmd'>> = {
  redis: { rootLinks: {}, entrypoint: [], cmd: ['redis-server'] },
  exporter: { rootLinks: { '/redis_exporter': '/usr/bin/prometheus-redis-exporter' }, entrypoint: ['/redis_exporter'], cmd: [] },
  haproxy: { rootLinks: {}, entrypoint: [], cmd: ['haproxy', '-f', '/usr/local/etc/haproxy/haproxy.cfg'] },
  rclone: { rootLinks: {}, entrypoint: ['rclone'], cmd: [] },
};

export function imageRepository(image: string): string {
  let ref = image.split('@')[0]!;
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > lastSlash) ref = ref.slice(0, colon);
  for (const prefix of ['docker.io/', 'index.docker.io/', 'registry-1.docker.io/']) {
    if (ref.startsWith(prefix)) ref = ref.slice(prefix.length);
  }
  if (ref.startsWith('library/')) ref = ref.slice('library/'.length);
  return ref;
}

export function supportedImages(): string[] {
  return Object.keys(REPOSITORIES).map((r) => `${r}:*`);
}

/** Builds the per-family binary directories once per sandbox and maps image references onto them. */
export class ImageCatalog {
  private readonly prepared = new Map<ImageFamily, Promise<string>>();

  constructor(private readonly dir: string) {}

  async resolve(image: string, where: string): Promise<ImageRuntime> {
    const family = this.check(image, where);
    const binDir = await this.binDir(family);
    return { image, binDir, ...FAMILY_RUNTIME[family], env: { PATH: DEFAULT_PATH } };
  }

  /** Throws for an unmapped image without preparing anything. */
  check(image: string, where: string): ImageFamily {
    const family = REPOSITORIES[imageRepository(image)];
    if (!family) {
      throw new UnsupportedManifestError(
        `image "${image}" (${where}) is not available in the sandbox: images are mapped to binaries on this machine, ` +
          `and only ${supportedImages().join(', ')} are mapped`,
      );
    }
    return family;
  }

  private binDir(family: ImageFamily): Promise<string> {
    let p = this.prepared.get(family);
    if (!p) {
      p = (async () => {
        const dir = join(this.dir, family, 'bin');
        await mkdir(dir, { recursive: true });
        for (const [name, entry] of Object.entries(BIN_ENTRIES[family])) {
          const path = join(dir, name);
          if ('link' in entry) await symlink(entry.link, path);
          else {
            await writeFile(path, entry.script);
            await chmod(path, 0o755);
          }
        }
        return dir;
      })();
      this.prepared.set(family, p);
    }
    return p;
  }
}
