import type { Diagnostic, LocatedYaml } from './diagnostics.ts';

/**
 * What a manifest cannot hold where a template writes a value or key as it is: control characters but tab, line feed and
 * carriage return, and the line breaks of YAML 1.1 only (next line, line and paragraph separators).
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\uFFFE\uFFFF]/;

/**
 * Values Helm fails on whatever the schema says: `.inf`, `.nan` and `1e309` (values pass through JSON, which has no such
 * numbers), and strings with a character the rendered manifest (YAML, read by go-yaml) cannot carry.
 */
export function valuesHelmCannotCarry(yaml: LocatedYaml, value: unknown, at: (string | number)[]): Diagnostic[] {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return [yaml.at(at, `${value} is not a number Helm can read (.inf, .nan, or too large for a float)`, 'Write a finite number, or quote the value to make it a string.')];
  }
  if (typeof value === 'string') return controlCharacter(yaml, value, at, 'value');
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = [...at, Array.isArray(value) ? Number(k) : k];
    return [...controlCharacter(yaml, k, path, 'key'), ...valuesHelmCannotCarry(yaml, v, path)];
  });
}

function controlCharacter(yaml: LocatedYaml, text: string, at: (string | number)[], what: 'key' | 'value'): Diagnostic[] {
  const c = CONTROL_CHARACTER.exec(text)?.[0];
  if (c === undefined) return [];
  // The value itself is not shown: it may be a secret.
  return [yaml.at(at, `the ${what} has the character U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}, which Helm cannot write into a manifest`,
    'Remove it: tabs, line feeds and carriage returns are the only control characters a key or value may hold.')];
}
