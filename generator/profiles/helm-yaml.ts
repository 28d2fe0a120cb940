import type { Document, DocumentOptions, ParseOptions, ScalarTag, SchemaOptions, Tags } from 'yaml';

/** go-yaml reads `!!binary` as the string of the decoded bytes, and refuses what is not base64. */
const binaryAsString: ScalarTag = {
  tag: 'tag:yaml.org,2002:binary',
  identify: () => false,
  default: false,
  resolve: (src, onError) => {
    const base64 = src.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) onError('!!binary value contains invalid base64 data');
    return Buffer.from(base64, 'base64').toString('utf8');
  },
  stringify: (item) => Buffer.from(String(item.value), 'utf8').toString('base64'),
};

/** go-yaml's timestamp layouts (2006-1-2, with a time of day and a zone or not). */
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::\d{2})?))?)?$/;

/** go-yaml reads a plain date as a string, and `!!timestamp` too (refusing what is not a timestamp). */
const timestampAsString: ScalarTag = {
  tag: 'tag:yaml.org,2002:timestamp',
  identify: () => false,
  default: false,
  resolve: (src, onError) => {
    if (!TIMESTAMP.test(src)) onError('!!timestamp value is not a timestamp');
    return src;
  },
};

/** YAML 1.1 collection types go-yaml does not resolve: it reads them as a plain mapping or list. */
const PLAIN_IN_HELM = new Set(['tag:yaml.org,2002:set', 'tag:yaml.org,2002:omap', 'tag:yaml.org,2002:pairs']);
const REPLACED = new Set([binaryAsString.tag, timestampAsString.tag]);

// Sexagesimal numbers (`1:20`, format TIME) are strings to go-yaml.
const helmTags = (tags: Tags): Tags => [
  ...tags.filter((t) => typeof t === 'string' || !(PLAIN_IN_HELM.has(t.tag) || REPLACED.has(t.tag) || t.format === 'TIME')),
  binaryAsString,
  timestampAsString,
];

/**
 * Read a profile as Helm reads a values file (go-yaml, YAML 1.1), so that validate sees the values Helm sees:
 * `yes`, `no`, `on`, `off`, `y` and `n` are booleans, `1_000` and `0777` are numbers, `<<` merges a mapping.
 * Timestamps and sexagesimal numbers (`1:20`) stay strings, as in go-yaml.
 */
export const HELM_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: helmTags,
  // Problems become diagnostics; none is printed on the side (e.g. about a collection as a key).
  logLevel: 'error',
};

export interface HelmReadingProblem {
  offset: number;
  problem: string;
  fix: string;
}

// The yaml library only warns where go-yaml stops: a core tag on a value it does not fit (`!!int abc`, `!!null 64Mi`).
const MISFIT_CORE_TAG = /^Unresolved tag: tag:yaml\.org,2002:(int|float|bool|null)\b/;

/** What go-yaml refuses in a file the yaml library reads without an error. */
export function helmReadingProblems(doc: Document, text: string): HelmReadingProblem[] {
  const problems: HelmReadingProblem[] = [];
  const directive = /^\uFEFF?(%.*)/m.exec(text.split(/^---/m)[0] ?? '');
  if (directive) problems.push({ offset: directive.index, problem: `Helm 4 does not read a file with a directive (${directive[1]!.slice(0, 40)})`, fix: 'Remove the %YAML or %TAG line.' });
  for (const w of doc.warnings) {
    const tag = MISFIT_CORE_TAG.exec(w.message)?.[1];
    if (tag) problems.push({ offset: w.pos[0], problem: `the value tagged !!${tag} is not of that type, so Helm cannot read it`, fix: 'Remove the tag, or write a value of its type.' });
  }
  // Line breaks in YAML 1.1, but not in 1.2: a raw one splits a line for Helm only.
  const separator = /[\u2028\u2029]/.exec(text);
  if (separator) problems.push({ offset: separator.index, problem: `U+${separator[0].charCodeAt(0).toString(16).toUpperCase()} is a line break to Helm`, fix: 'Remove the line or paragraph separator.' });
  return problems;
}
