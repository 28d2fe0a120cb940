import { Ajv, type ErrorObject } from 'ajv';
import { umbrellaSchema } from '../charts/catalog.ts';
import { ACL_RULES, ACL_USERNAME, DOMAIN, LABEL_KEY, LABEL_VALUE, OBJECT_NAME, PRINTABLE_ASCII, SECRET_KEY } from '../model/common.ts';
import type { Diagnostic, LocatedYaml } from './diagnostics.ts';

// verbose: the diagnostics quote the offending value (e.data) and list the valid keys (e.parentSchema).
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validateUmbrella = ajv.compile(umbrellaSchema());

/** Keys that an earlier chart version had, and where they live now. */
const MOVED_KEYS: Record<string, string> = {
  'server.networkPolicy': '`global.networkPolicy` (one switch for the policies of every component)',
};

/** ajv against the umbrella values schema, every error mapped to the file, line and key. */
export function schemaDiagnostics(yaml: LocatedYaml): Diagnostic[] {
  if (validateUmbrella(yaml.value)) return [];
  // A key refused by propertyNames comes twice: as the pattern it broke (with the key), and as a summary.
  return (validateUmbrella.errors ?? []).filter((e) => e.keyword !== 'propertyNames').map((e) => toDiagnostic(yaml, e));
}

function toDiagnostic(yaml: LocatedYaml, e: ErrorObject): Diagnostic {
  const path = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const p = e.params as Record<string, unknown>;
  if (e.propertyName !== undefined) {
    return yaml.at([...path, e.propertyName], `${JSON.stringify(e.propertyName)} is not a valid key here`, describePattern(String(p.pattern)));
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      const dotted = [...path, key].join('.');
      const moved = Object.hasOwn(MOVED_KEYS, dotted) ? MOVED_KEYS[dotted] : undefined;
      if (moved) return yaml.at([...path, key], `"${dotted}" has moved`, `Write it as ${moved}.`);
      const near = closest(key, allowed);
      return yaml.at([...path, key], `unknown key "${key}"`, near ? `Did you mean "${near}"? Valid keys: ${allowed.join(', ')}.` : `Valid keys: ${allowed.join(', ')}.`);
    }
    case 'enum':
      return yaml.at(path, `${JSON.stringify(e.data)} is not allowed`, `Use one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`);
    case 'type':
      return yaml.at(path, `expected ${p.type} but got ${JSON.stringify(e.data)}`, `Write ${/^[aeiou]/.test(String(p.type)) ? 'an' : 'a'} ${p.type} value.`);
    case 'pattern':
      // A secret is not echoed back: the message names the key and the allowed characters only.
      if (p.pattern === PRINTABLE_ASCII) return yaml.at(path, 'has a character outside printable ASCII (a tab, a newline, another control character or a non-ASCII letter)', 'Use printable ASCII only: letters, digits, space and the symbols from `!` to `~`, quotes and backslashes included.');
      return yaml.at(path, `${JSON.stringify(e.data)} does not match ${p.pattern}`, describePattern(String(p.pattern)));
    case 'not':
    case 'minLength':
      return yaml.at(path, `${JSON.stringify(e.data)} is not a pinned image tag`, 'Pin an explicit image tag such as 7.4.2; `latest` and empty tags are not allowed.');
    case 'minimum':
    case 'maximum':
      return yaml.at(path, `${JSON.stringify(e.data)} must be ${e.keyword === 'minimum' ? '>=' : '<='} ${p.limit}`, `Use a value ${e.keyword === 'minimum' ? 'of at least' : 'of at most'} ${p.limit}.`);
    default:
      return yaml.at(path, e.message ?? 'invalid', 'See the chart README for valid values.');
  }
}

function describePattern(pattern: string): string {
  if (pattern === OBJECT_NAME || pattern === DOMAIN) return 'Use a Kubernetes name: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit.';
  if (pattern === SECRET_KEY) return 'Use a Secret key: letters, digits, "-", "_" and ".".';
  if (pattern === ACL_USERNAME) return 'Use an ACL user name: a lower-case letter, then at most 62 lower-case letters, digits, "-" and "_".';
  if (pattern === ACL_RULES) return 'Use ACL rules separated by single spaces, each starting with ~, %, &, +, -, ( or a lower-case letter (e.g. `~cache:* &* +@read +@write -@dangerous`); passwords (`>`, `<`, `#`) come from the Secret, not from rules.';
  if (pattern === LABEL_KEY) return 'Use a label or annotation key such as example.com/name: an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit.';
  if (pattern === LABEL_VALUE) return 'Use a label value: at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit (or empty).';
  if (pattern.includes('latest')) return 'Pin an explicit image tag; `latest` is not allowed.';
  if (pattern.includes('Ki|Mi|Gi')) return 'Use a Kubernetes quantity such as 512Mi or 20Gi.';
  if (pattern.includes('yearly')) return 'Use a 5-field cron expression such as "0 */6 * * *".';
  if (pattern.includes('ms|s|m|h')) return 'Use a duration such as 30s, 5m or 1h.';
  if (pattern.includes('kb|m|mb')) return 'Use a Redis memory size such as 256mb or 3gb.';
  if (pattern.startsWith('^[0-9]+ [0-9]+$')) return 'Use "<seconds> <changes>", e.g. "300 10".';
  return `Match the pattern ${pattern}.`;
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) { bestDistance = d; best = c; }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
