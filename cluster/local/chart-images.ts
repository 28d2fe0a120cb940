import type { BuiltImage } from './images/index.ts';

/** The local image registry name: images built on this machine carry it, and nothing is ever pulled from it. */
export const LOCAL_REGISTRY = 'redis-charts.local';

/**
 * The values that point the umbrella chart at the images built on this machine, as a user with a private registry
 * mirror would set them: the global registry override plus the tags the local builds have (the Debian package versions).
 */
export function localImageValues(images: readonly BuiltImage[]): Record<string, unknown> {
  const image = (repository: string) => {
    const built = images.find((i) => i.name.startsWith(`${LOCAL_REGISTRY}/${repository}:`));
    if (!built) throw new Error(`no local image ${LOCAL_REGISTRY}/${repository} was built`);
    return { repository, tag: built.name.slice(built.name.lastIndexOf(':') + 1) };
  };
  const rclone = image('rclone');
  return {
    global: { imageRegistry: LOCAL_REGISTRY, images: { redis: image('redis') } },
    server: { masterProxy: { image: image('haproxy') }, restore: { rcloneImage: rclone } },
    exporter: { image: image('redis_exporter') },
    backup: { rcloneImage: rclone },
  };
}
