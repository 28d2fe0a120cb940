import { parse, parseDocument, type Document } from 'yaml';

export interface Assignment {
  path: (string | number)[];
  value: unknown;
}

export class SetSyntaxError extends Error {}

/** Parse `key.path=value` (Helm's --set): numbers, booleans and null are typed; `{a,b}` is a list; `\.` escapes a dot. */
export function parseSet(expr: string): Assignment {
  const eq = expr.indexOf('=');
  if (eq <= 0) throw new SetSyntaxError(`--set ${JSON.stringify(expr)}: expected key.path=value, e.g. --set sentinel.quorum=2`);
  const key = expr.slice(0, eq);
  const raw = expr.slice(eq + 1);
  const path = key.split(/(?<!\\)\./).flatMap((segment) => {
    const m = /^(.+?)((?:\[\d+\])*)$/.exec(segment.replace(/\\\./g, '.'))!;
    const indexes = [...m[2]!.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
    return [m[1]!, ...indexes];
  });
  if (path.some((p) => p === '')) throw new SetSyntaxError(`--set ${JSON.stringify(expr)}: empty key segment`);
  return { path, value: parseValue(raw) };
}

function parseValue(raw: string): unknown {
  if (raw.startsWith('{') && raw.endsWith('}')) {
    const inner = raw.slice(1, -1);
    return inner === '' ? [] : inner.split(',').map((item) => parseValue(item.trim()));
  }
  if (raw === '') return '';
  const value: unknown = parse(raw);
  return value !== null && typeof value === 'object' ? raw : value;
}

/** A profile's YAML with --set assignments applied in order, keeping its comments. */
export function applySets(text: string, sets: readonly string[]): Document {
  const doc = parseDocument(text);
  for (const expr of sets) {
    const { path, value } = parseSet(expr);
    doc.setIn(path, value);
  }
  return doc;
}
