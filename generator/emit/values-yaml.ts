import { Document, isMap, isScalar, parse, visit, type YAMLMap } from 'yaml';
import { defaults, type Group, type Node } from '../model/dsl.ts';
import { HELM_YAML } from '../profiles/helm-yaml.ts';

/** values.yaml: the model's defaults, each key preceded by its description as a comment. */
export function valuesYaml(model: Group): string {
  const doc = new Document(defaults(model));
  annotate(doc.contents as YAMLMap, model, true);
  // Helm reads values as YAML 1.1: a string such as `no` would reach it as a boolean unless quoted.
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && node.value !== '' && typeof parse(node.value, HELM_YAML) !== 'string') node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: true, nullStr: 'null' });
}

function annotate(map: YAMLMap, model: Group, topLevel: boolean): void {
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const field: Node | undefined = model.fields[String(pair.key.value)];
    if (!field) continue;
    pair.key.commentBefore = ` ${field.description}`;
    if (topLevel) pair.key.spaceBefore = true;
    if (field.kind === 'group' && isMap(pair.value)) annotate(pair.value, field, false);
  }
}
