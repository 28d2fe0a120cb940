import { components } from '../generator/charts/catalog.ts';
import type { ComponentChart } from '../generator/charts/chart.ts';
import type { BuiltImage } from '../cluster/local/images/index.ts';

/** The local image registry name: images built on this machine carry it, and nothing is ever pulled from it. */
export const LOCAL_REGISTRY = 'redis-charts.local';

/**
 * The values that point a chart (the umbrella by default, or one component chart installed on its own) at the images
 * built on this machine, as a user with a private registry mirror sets them: the global registry override plus the
 * tags the local builds have (their Debian package versions).
 */
export function localImageValues(images: readonly BuiltImage[], chart = 'redis'): Record<string, unknown> {
  const image = (repository: string, spec = repository.slice(repository.lastIndexOf('/') + 1)) => {
    const built = images.find((i) => i.spec === spec && i.name.startsWith(`${LOCAL_REGISTRY}/${repository}:`));
    if (!built) throw new Error(`no local image ${LOCAL_REGISTRY}/${repository} was built`);
    return { repository, tag: built.name.slice(built.name.lastIndexOf(':') + 1) };
  };
  const rclone = image('rclone');
  // Each component's own image keys; the engine image is global.
  const own: Record<ComponentChart['name'], Record<string, unknown>> = {
    'redis-server': { masterProxy: { image: image('haproxy') }, restore: { rcloneImage: rclone }, passwordJob: { kubectlImage: image('registry.k8s.io/kubectl') } },
    'redis-sentinel': {},
    'redis-exporter': { image: image('redis_exporter') },
    'redis-alerts': {},
    'redis-backup': { rcloneImage: rclone },
  };
  const global = { imageRegistry: LOCAL_REGISTRY, images: { redis: image('redis'), valkey: image('valkey') } };
  if (chart === 'redis') return { global, ...Object.fromEntries(components.map((c) => [c.alias, own[c.name]])) };
  const values = own[chart];
  if (!values) throw new Error(`unknown chart ${chart}`);
  return { global, ...values };
}
