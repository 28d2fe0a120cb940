import { isMap, isSeq, parse, parseDocument, type Document } from 'yaml';
import { HELM_YAML } from './helm-yaml.ts';

export interface Assignment {
  path: (string | number)[];
  value: unknown;
}

export class SetSyntaxError extends Error {}

/** Helm's largest --set list index: a larger one would make a list of that many items. */
const MAX_INDEX = 65536;

/** Parse `key.path=value` (Helm's --set): numbers, booleans and null are typed; `{a,b}` is a list; `\.` escapes a dot. */
export function parseSet(expr: string): Assignment {
  const eq = expr.indexOf('=');
  if (eq <= 0) throw new SetSyntaxError(`--set ${JSON.stringify(expr)}: expected key.path=value, e.g. --set sentinel.quorum=2`);
  const key = expr.slice(0, eq);
  const raw = expr.slice(eq + 1);
  const path = key.split(/(?<!\\)\./).flatMap((segment) => {
    const m = /^(.*?)((?:\[\d+\])*)$/s.exec(segment.replace(/\\\./g, '.'))!;
    const indexes = [...m[2]!.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
    if (m[1] === '') throw new SetSyntaxError(`--set ${JSON.stringify(expr)}: empty key segment`);
    if (indexes.some((i) => i > MAX_INDEX)) throw new SetSyntaxError(`--set ${JSON.stringify(expr)}: list index above ${MAX_INDEX}`);
    return [m[1]!, ...indexes];
  });
  return { path, value: parseValue(raw) };
}

function parseValue(raw: string): unknown {
  if (raw.startsWith('{') && raw.endsWith('}')) {
    const inner = raw.slice(1, -1);
    return inner === '' ? [] : inner.split(',').map((item) => parseValue(item.trim()));
  }
  if (raw === '') return '';
  let value: unknown;
  try {
    value = parse(raw, { logLevel: 'error' });
  } catch {
    // Not YAML on its own (`@x`, `a: b: c`, `*ref`, `%x`): the string as written, as Helm takes it.
    return raw;
  }
  return value !== null && typeof value === 'object' ? raw : value;
}

/** A profile's YAML with --set assignments applied in order, keeping its comments. */
export function applySets(text: string, sets: readonly string[]): Document {
  const doc = parseDocument(text, HELM_YAML);
  for (const expr of sets) {
    const { path, value } = parseSet(expr);
    clearWay(doc, path);
    doc.setIn(path, value);
  }
  return doc;
}

/** As with Helm's --set, the assignment wins: a value in the way (a scalar, or a list under a key) is dropped. */
function clearWay(doc: Document, path: (string | number)[]): void {
  for (let i = 0; i < path.length; i++) {
    const node = i === 0 ? doc.contents : doc.getIn(path.slice(0, i), true);
    if (node === null || node === undefined) return;
    if (isMap(node) || (isSeq(node) && typeof path[i] === 'number')) continue;
    if (i === 0) doc.contents = null;
    else doc.deleteIn(path.slice(0, i));
    return;
  }
}
