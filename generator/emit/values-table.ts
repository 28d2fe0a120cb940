import { walk, type Group } from '../model/dsl.ts';

export interface ValueRow {
  key: string;
  type: string;
  default: string;
  description: string;
}

/** The README values table: one row per leaf (and per free-form object) of the model. */
export function valueRows(model: Group, prefix: string[] = []): ValueRow[] {
  const rows: ValueRow[] = [];
  for (const [path, node] of walk(model)) {
    if (node.kind === 'group') continue;
    rows.push({
      key: [...prefix, ...path].join('.'),
      type: node.kind === 'leaf' ? (node.enum ? node.enum.join(' \\| ') : node.type) : String(node.schema.type ?? 'object'),
      default: `\`${JSON.stringify(node.default)}\``,
      description: node.description.replace(/\|/g, '\\|'),
    });
  }
  return rows;
}
