import { componentValuesModel, components, umbrellaValuesModel } from '../generator/charts/catalog.ts';
import type { Group, Node } from '../generator/model/dsl.ts';
import { IMAGE_SPECS, REGISTRY } from '../cluster/local/images/specs.ts';
import type { BuiltImage } from '../cluster/local/images/index.ts';

/** The local image registry name: images built on this machine carry it, and nothing is ever pulled from it. */
export const LOCAL_REGISTRY = REGISTRY;

/** Every image a values model names: a group with a `repository` and a `tag`, by its path and default repository. */
function imageKeys(node: Node, path: string[] = []): { path: string[]; repository: string }[] {
  if (node.kind !== 'group') return [];
  const { repository, tag } = node.fields;
  if (repository?.kind === 'leaf' && tag?.kind === 'leaf') return [{ path, repository: String(repository.default) }];
  return Object.entries(node.fields).flatMap(([key, child]) => imageKeys(child, [...path, key]));
}

function setAt(values: Record<string, unknown>, path: string[], value: unknown): void {
  let at = values;
  for (const key of path.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
  at[path[path.length - 1]!] = value;
}

/**
 * The values that point a chart (the umbrella by default, or one component chart installed on its own) at the images
 * built on this machine, as a user with a private registry mirror sets them: the global registry override plus, for
 * every image key of the chart's values model, the local build that stands in for its default repository.
 */
export function localImageValues(images: readonly BuiltImage[], chart = 'redis'): Record<string, unknown> {
  let model: Group;
  if (chart === 'redis') model = umbrellaValuesModel();
  else {
    const component = components.find((c) => c.name === chart);
    if (!component) throw new Error(`unknown chart ${chart}`);
    model = componentValuesModel(component);
  }
  const values: Record<string, unknown> = { global: { imageRegistry: LOCAL_REGISTRY } };
  for (const key of imageKeys(model)) {
    const spec = IMAGE_SPECS.find((s) => s.standsInFor === key.repository);
    if (!spec) throw new Error(`no local image stands in for ${key.repository} (${key.path.join('.')}): add standsInFor to its spec in cluster/local/images/specs.ts`);
    const built = images.find((i) => i.spec === spec.name);
    if (!built) throw new Error(`no local image ${spec.repository} was built`);
    setAt(values, key.path, { repository: spec.repository.slice(`${LOCAL_REGISTRY}/`.length), tag: built.name.slice(built.name.lastIndexOf(':') + 1) });
  }
  return values;
}
