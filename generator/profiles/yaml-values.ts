import { isAlias, isNode, isScalar, visit, type Document } from 'yaml';

export type ValuesRead = { value: unknown } | { problem: string; offset: number };

/**
 * The values of a parsed document, or why go-yaml (so Helm) refuses to read them: an alias with no anchor before it, an
 * alias inside the node it names (a value without end), too many aliases, a merge (`<<`) of something not a mapping, a
 * key that is null or a collection (JSON, which values pass through, has string keys only).
 */
export function readValues(doc: Document): ValuesRead {
  let problem: { problem: string; offset: number } | undefined;
  // Where a failure of toJS below is reported: the first alias or merge key.
  const suspects: number[] = [];
  visit(doc, {
    Alias: (_, alias, path) => {
      const offset = alias.range?.[0] ?? 0;
      suspects.push(offset);
      const source = alias.resolve(doc);
      if (!source) problem = { problem: `alias *${alias.source} has no anchor &${alias.source} before it`, offset };
      else if (path.includes(source)) problem = { problem: `alias *${alias.source} is inside the node it names, so its value never ends`, offset };
      return problem ? visit.BREAK : undefined;
    },
    Pair: (_, pair) => {
      const key = isAlias(pair.key) ? pair.key.resolve(doc) : pair.key;
      if (isAlias(pair.key) && !key) return undefined; // an alias with no anchor, reported as such
      const offset = isNode(pair.key) ? pair.key.range?.[0] ?? 0 : 0;
      if (!isScalar(key) || key.value === null) {
        problem = { problem: 'a key is null or a list or mapping, where Helm takes only a string, a number or a boolean', offset };
        return visit.BREAK;
      }
      // A merge key resolves to a symbol under YAML 1.1.
      if (typeof key.value === 'symbol') suspects.push(offset);
      return undefined;
    },
  });
  if (problem) return problem;
  try {
    return { value: doc.toJS() ?? {} };
  } catch (e) {
    return { problem: (e as Error).message, offset: suspects[0] ?? 0 };
  }
}
