/**
 * A seeded generator of profiles and --set expressions for fuzzing `validate`. It starts from the shipped profiles and
 * the values model and mutates them: wrong types, out-of-range numbers, unknown keys at every depth, huge and unicode
 * strings, injection characters, YAML edge cases and malformed --set expressions. One seed always gives the same cases.
 */
import fs from 'node:fs';
import { parse, stringify } from 'yaml';
import { umbrellaValuesModel } from '../../generator/charts/catalog.ts';
import { defaults, walk, type Leaf, type Node } from '../../generator/model/dsl.ts';
import { errorsIn } from '../../generator/profiles/diagnostics.ts';
import { listProfiles } from '../../generator/profiles/files.ts';
import { validateProfileWithSets } from '../../generator/profiles/validate.ts';

export const FUZZ_SEED = 20_240_611;

/** One input to validate: a profile, and the --set expressions applied on top of it (as `up` applies them). */
export interface FuzzCase {
  /** How the case was made, to reproduce a failure by hand. */
  name: string;
  text: string;
  sets: string[];
}

/** mulberry32: a tiny PRNG, good enough to spread cases and stable across Node versions. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) { this.next = mulberry32(seed); }
  int(n: number): number { return Math.floor(this.next() * n); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
}

type Json = Record<string, unknown>;
type Path = (string | number)[];

const MODEL = umbrellaValuesModel();
const NODES: [string[], Node][] = [...walk(MODEL)].filter(([p]) => p.length > 0);
const GROUP_PATHS: string[][] = [[], ...NODES.filter(([, n]) => n.kind === 'group').map(([p]) => p)];
const LEAVES = NODES.filter((e): e is [string[], Leaf] => e[1].kind === 'leaf');
const NUMERIC_LEAVES = LEAVES.filter(([, n]) => n.type === 'integer' || n.type === 'number');
const FREE_STRING_LEAVES = LEAVES.filter(([, n]) => n.type === 'string' && !n.enum && !n.constraints);
const STRING_LEAVES = LEAVES.filter(([, n]) => n.type === 'string' && !n.enum);
const COMPONENTS = Object.keys(MODEL.fields).filter((k) => k !== 'global');
const SECRET_PATHS = [['global', 'auth', 'password'], ['global', 'auth', 'previousPassword']];
/** Free-form maps whose keys are the user's: labels and annotations. */
const USER_MAPS = [['global', 'commonLabels'], ['server', 'podAnnotations'], ['backup', 'serviceAccount', 'annotations'], ['global', 'networkPolicy', 'allowedPodLabels'], ['exporter', 'serviceMonitor', 'labels']];

/** Every key path of the values model, dotted. */
export const MODEL_KEYS: ReadonlySet<string> = new Set(NODES.map(([p]) => p.join('.')));

// The values a careless or hostile profile puts where they do not belong.
const WRONG_TYPES: unknown[] = ['abc', '3', 'true', '', 3, -7, 0.25, true, false, [], ['a', 1], {}, { a: 1 }, { enabled: true }, null];
const NUMBER_LITERALS = ['-1', '0', '-0', '1.5', '0.1', '1e309', '-1e309', '.inf', '-.inf', '.nan', '99999999999999999999', '9007199254740993',
  '2147483648', '65536', '1e3', '0x10', '0o17', '0777', '1_000', '+5', '5.0', '1e-9', '3', '16', '10'];
const YAML11_SCALARS = ['yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'OFF', '1_000', '0b101', '0777', '1:20', '2001-12-14', '~', 'null', 'True', '.5', '1e3', '0x1F', '1e309'];
const UNICODE = ['🔥🚀', 'パスワード', 'مرحبا بالعالم', '\u202Egnp.exe', 'a\u0000b', 'e\u0301\u0301', 'Z\u0335\u0321a\u0338l\u0335g\u0337o', '\uFEFFbom',
  'zero\u200Bwidth', '👨‍👩‍👧‍👦', 'straße', 'İı', '\u0085next-line', '\u2028sep'];
const INJECTION = ['"', "'", '\\', '$(id)', '`id`', 'a;b', 'a\nb', '{{ .Release.Name }}', '{{ fail "x" }}', '%s%n%x', 'with spaces ', ' leading', '"; DROP',
  "' OR '1'='1", '${HOME}', '#not-a-comment', 'a: b', '- item', '[x]', '{x}', '*ref', '&anchor', '!tag', '|', '>', '@at', '%percent', '?',
  'key=value,other=1', '\r\n', '\t', '\\n', 'a\\', '--flag', 'x\nrequirepass y', 'p@ss w0rd!', '"\'\\$`;{}%'];
const RANDOM_KEYS = ['foo', 'x', 'enabled2', 'Enabled', '', ' ', '0', '__proto__', 'constructor', 'toString', 'a.b', 'a/b', '~0', '🔑', 'ключ', 'with space', '-', '<<', 'null', 'true'];

/** A valid value for a model leaf, inside its constraints (patterns by a sample that matches them). */
function validLeafValue(rnd: Random, path: string[], leaf: Leaf): unknown {
  if (leaf.enum) return rnd.pick(leaf.enum);
  const c = (leaf.constraints ?? {}) as { minimum?: number; maximum?: number; pattern?: string };
  switch (leaf.type) {
    case 'boolean': return rnd.chance(0.5);
    case 'integer':
    case 'number': {
      const min = c.minimum ?? 0;
      const max = c.maximum ?? min + 20;
      const n = rnd.pick([min, max, leaf.default as number, min + rnd.int(max - min + 1)]);
      return leaf.type === 'number' && rnd.chance(0.3) ? n + 0.5 : n;
    }
    case 'string': {
      const samples = patternSamples(c.pattern, path);
      return samples ? rnd.pick(samples) : rnd.pick([leaf.default, leaf.default, '', 'custom-value']);
    }
  }
}

function patternSamples(pattern: string | undefined, path: string[]): unknown[] | undefined {
  const last = path.at(-1) ?? '';
  if (last === 'tag') return ['7.2.4', 'v1.2.3', '8.0.2-alpine'];
  if (pattern === undefined) return undefined;
  if (pattern.includes('Ki|Mi|Gi')) return ['64Mi', '1Gi', '20Gi', '500M', '1.5Gi'];
  if (pattern.includes('ms|s|m|h')) return ['30s', '5m', '1h', '1h30m'];
  if (pattern.includes('kb|m|mb')) return ['', '64mb', '96mb', '1gb', '3gb'];
  if (pattern.includes('yearly')) return ['0 */6 * * *', '@daily', '*/5 * * * *', '61 * * * *', '0 0 * *'];
  if (last === 'password' || last === 'previousPassword') return ['', 's3cret', 'p a\'ss"w#o$rd\\ ~', 'rotated-1'];
  return undefined;
}

/** The mutations of a profile's values; each changes `value` and says what it did. */
type Mutation = (rnd: Random, value: Json, raw: (literal: string) => string) => string;

const MUTATIONS: { weight: number; mutate: Mutation }[] = [
  { weight: 16, mutate: (rnd, v) => { const [p, leaf] = rnd.pick(LEAVES); const x = validLeafValue(rnd, p, leaf); setPath(v, p, x); return `valid ${p.join('.')}=${show(x)}`; } },
  { weight: 8, mutate: (rnd, v) => focusComponent(rnd, v) },
  { weight: 4, mutate: (rnd, v) => { const topology = validTopology(rnd); setPath(v, ['global', 'topology'], topology.topology); setPath(v, ['sentinel', 'quorum'], topology.quorum); return `topology ${show(topology)}`; } },
  { weight: 8, mutate: (rnd, v) => { const [p] = rnd.pick(NODES); const x = rnd.pick(WRONG_TYPES); setPath(v, p, structuredClone(x)); return `wrong type ${p.join('.')}=${show(x)}`; } },
  { weight: 6, mutate: (rnd, v, raw) => { const [p] = rnd.pick(NUMERIC_LEAVES); const lit = rnd.pick(NUMBER_LITERALS); setPath(v, p, raw(lit)); return `number ${p.join('.')}: ${lit}`; } },
  { weight: 4, mutate: (rnd, v, raw) => { const [p] = rnd.pick(STRING_LEAVES); const lit = rnd.pick(YAML11_SCALARS); setPath(v, p, raw(lit)); return `plain scalar ${p.join('.')}: ${lit}`; } },
  { weight: 6, mutate: (rnd, v) => { const p = rnd.pick(GROUP_PATHS); const key = unknownKey(rnd, p); setPath(v, [...p, key], rnd.pick(WRONG_TYPES)); return `unknown key ${[...p, key].join('.')}`; } },
  // Rare: each 100 KB string costs validate some milliseconds.
  { weight: 1, mutate: (rnd, v) => hugeValueOrKey(rnd, v) },
  { weight: 4, mutate: (rnd, v) => { const [p] = rnd.pick(STRING_LEAVES); const s = rnd.pick(UNICODE); setPath(v, p, s); return `unicode ${p.join('.')}=${show(s)}`; } },
  { weight: 6, mutate: (rnd, v) => { const p = rnd.chance(0.6) ? rnd.pick(SECRET_PATHS) : rnd.pick(FREE_STRING_LEAVES)[0]; const s = injection(rnd); setPath(v, p, s); return `injection ${p.join('.')}=${show(s)}`; } },
  { weight: 4, mutate: (rnd, v) => { const p = rnd.pick(USER_MAPS); const k = rnd.chance(0.5) ? injection(rnd) : rnd.pick([...UNICODE, ...RANDOM_KEYS]); const x = rnd.chance(0.8) ? injection(rnd) : rnd.pick(WRONG_TYPES); setPath(v, [...p, k], x); return `map entry ${p.join('.')}[${show(k)}]=${show(x)}`; } },
  { weight: 2, mutate: (rnd, v) => { const [p] = rnd.pick(NODES); setPath(v, p, null); return `null ${p.join('.')}`; } },
];

/** Turns a component on and sets a few of its own values: combinations a leaf picked from the whole model rarely makes. */
function focusComponent(rnd: Random, value: Json): string {
  const component = rnd.pick(COMPONENTS);
  setPath(value, [component, 'enabled'], true);
  const leaves = LEAVES.filter(([p]) => p[0] === component && p.join('.') !== `${component}.enabled`);
  const set = Array.from({ length: 2 + rnd.int(4) }, () => {
    const [p, leaf] = rnd.pick(leaves);
    const x = validLeafValue(rnd, p, leaf);
    setPath(value, p, x);
    return `${p.slice(1).join('.')}=${show(x)}`;
  });
  return `${component} on: ${set.join(', ')}`;
}

function hugeValueOrKey(rnd: Random, value: Json): string {
  if (rnd.chance(0.5)) {
    const [p] = rnd.pick(STRING_LEAVES);
    setPath(value, p, hugeString(rnd));
    return `huge string at ${p.join('.')}`;
  }
  const p = rnd.pick(GROUP_PATHS);
  setPath(value, [...p, hugeString(rnd)], 1);
  return `huge key under ${p.join('.') || '(root)'}`;
}

function validTopology(rnd: Random): { topology: { dataNodes: number; sentinels: number }; quorum: number } {
  const sentinels = rnd.pick([0, 0, 1, 3, 5, 9, 2]);
  const dataNodes = rnd.pick([1, 2, 3, 5, 15]);
  const quorum = sentinels ? Math.floor(sentinels / 2) + 1 + rnd.int(2) : 2;
  return { topology: { dataNodes, sentinels }, quorum };
}

function unknownKey(rnd: Random, parent: string[]): string {
  const node = parent.reduce<Node | undefined>((n, k) => (n?.kind === 'group' ? n.fields[k] : undefined), MODEL);
  const siblings = node?.kind === 'group' ? Object.keys(node.fields) : [];
  if (!siblings.length || rnd.chance(0.4)) return rnd.pick([...RANDOM_KEYS, ...UNICODE]);
  return typo(rnd, rnd.pick(siblings));
}

function typo(rnd: Random, word: string): string {
  const i = rnd.int(word.length);
  switch (rnd.int(5)) {
    case 0: return word.slice(0, i) + word.slice(i + 1);
    case 1: return word.slice(0, i) + word[i] + word.slice(i);
    case 2: return word.slice(0, i) + (word[i + 1] ?? '') + word[i] + word.slice(i + 2);
    case 3: return word.toUpperCase();
    default: return `${word}s`;
  }
}

function injection(rnd: Random): string {
  const parts = Array.from({ length: 1 + rnd.int(3) }, () => rnd.pick(INJECTION));
  return rnd.chance(0.5) ? parts.join('') : `pw${parts.join('x')}end`;
}

function hugeString(rnd: Random): string {
  const unit = rnd.pick(['x', 'ab', '🔥', 'a\n', '"\\']);
  return unit.repeat(Math.ceil(100_000 / unit.length));
}

const show = (x: unknown): string => {
  const s = JSON.stringify(x) ?? String(x);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

/** Sets a value deep in a plain object, replacing whatever is in the way; own properties only (`__proto__` too). */
function setPath(root: Json, path: Path, value: unknown): void {
  let node: Json = root;
  for (const [i, key] of path.entries()) {
    if (i === path.length - 1) {
      Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    let next = Object.hasOwn(node, key) ? node[key as string] : undefined;
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      next = {};
      Object.defineProperty(node, key, { value: next, enumerable: true, writable: true, configurable: true });
    }
    node = next as Json;
  }
}

// YAML text mutations: what no object can express (anchors, tags, duplicate keys, several documents, tabs...).
const ALIAS_BOMB = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...['b', 'c', 'd', 'e', 'f'].map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcde'[i]}`).join(', ')}]`)].join('\n');
const SNIPPETS = [
  'server:\n  podAnnotations: &ann {team: cache}\nsentinel:\n  podAnnotations: *ann\n',
  'sentinel:\n  <<: {quorum: 2}\n',
  'server:\n  resources: &res\n    requests: {cpu: 10m, memory: 32Mi}\n    limits: {memory: 64Mi}\nsentinel:\n  resources: *res\n',
  'global:\n  topology: &t {dataNodes: 3, sentinels: 3}\nx-copy: *t\n',
  'sentinel:\n  quorum: *nope\n',
  `${ALIAS_BOMB}\n`,
  'global: &g\n  engine: valkey\n  self: *g\n',
  '? [a, b]\n: 1\n',
  '? {a: 1}\n: 2\n',
  '? \n: 2\n',
  'server:\n  ? \n  : 2\n',
  '1: 2\n',
  'true: x\n',
  'null: x\n',
  'global:\n  auth:\n    password: !!binary cGFzc3dvcmQ=\n',
  'global:\n  auth:\n    password: !!binary AAEC\n',
  'server:\n  config:\n    save: !!set {300 10, 60 1000}\n',
  'server: !!omap\n  - enabled: true\n',
  'global:\n  auth:\n    password: !secret hunter2\n',
  'sentinel:\n  quorum: !!str 2\n',
  'sentinel:\n  quorum: !!int "2"\n',
  'sentinel:\n  quorum: !<tag:yaml.org,2002:int> 2\n',
  'global:\n  auth:\n    password: !!timestamp 2001-12-14\n',
  'server:\n  config:\n    maxmemory: |\n      64mb\n',
  'server:\n  config:\n    extra: |\n      hz 50\n      requirepass oops\n',
  'global:\n  auth:\n    password: >-\n      folded\n      text\n',
  'global:\n  auth:\n    password: "\\u0000\\x07"\n',
  'global:\n  auth:\n    password: "\\uD83D"\n',
];
const NON_MAPPINGS = ['- a\n- b\n', '"just a string"\n', '42\n', '', '~\n', '# only a comment\n', '[]\n', '!!binary aGVsbG8=\n', 'true\n', '--- |\n  text\n', '!!set {a, b}\n', '!!omap [a: 1]\n'];

const TEXT_MUTATIONS: { name: string; mutate: (rnd: Random, text: string) => string }[] = [
  { name: 'snippet', mutate: (rnd, t) => t + rnd.pick(SNIPPETS) },
  { name: 'snippet only', mutate: (rnd) => rnd.pick(SNIPPETS) },
  { name: 'non-mapping', mutate: (rnd) => rnd.pick(NON_MAPPINGS) },
  { name: 'duplicate line', mutate: (rnd, t) => editLine(rnd, t, (l) => [l, l]) },
  { name: 'delete line', mutate: (rnd, t) => editLine(rnd, t, () => []) },
  { name: 'tab indent', mutate: (rnd, t) => editLine(rnd, t, (l) => [l.replace(/^( +)/, '\t')]) },
  { name: 'tab after colon', mutate: (rnd, t) => editLine(rnd, t, (l) => [l.replace(/: /, ':\t')]) },
  { name: 'tag a value', mutate: (rnd, t) => editLine(rnd, t, (l) => [l.replace(/^(\s*[^\s:#][^:#]*:) (\S)/, `$1 ${rnd.pick(['!!binary', '!!str', '!!int', '!!float', '!!bool', '!!null', '!!set', '!!timestamp', '!custom', '!!seq'])} $2`)]) },
  { name: 'anchor and alias', mutate: (rnd, t) => aliasTopLevel(rnd, t) },
  { name: 'second document', mutate: (rnd, t) => `${t}---\n${rnd.pick(['server: {enabled: false}\n', '', '- a\n'])}` },
  { name: 'document markers', mutate: (_rnd, t) => `---\n${t}...\n` },
  { name: 'directive', mutate: (rnd, t) => `${rnd.pick(['%YAML 1.1', '%YAML 1.2', '%YAML 2.0', '%TAG !e! tag:example.com,2000:'])}\n---\n${t}` },
  { name: 'byte order mark', mutate: (_rnd, t) => `\uFEFF${t}` },
  { name: 'CRLF', mutate: (_rnd, t) => t.replace(/\n/g, '\r\n') },
  { name: 'truncate', mutate: (rnd, t) => t.slice(0, rnd.int(t.length + 1)) },
  { name: 'insert a character', mutate: (rnd, t) => { const i = rnd.int(t.length + 1); return t.slice(0, i) + rnd.pick([':', '-', '"', "'", '{', '[', '&', '*', '!', '|', '>', '#', '%', '@', '`', '\t', ' ', '\n', '\0']) + t.slice(i); } },
];

function editLine(rnd: Random, text: string, edit: (line: string) => string[]): string {
  const lines = text.split('\n');
  const i = rnd.int(Math.max(1, lines.length - 1));
  return [...lines.slice(0, i), ...edit(lines[i] ?? ''), ...lines.slice(i + 1)].join('\n');
}

/** Anchors a top-level section and reuses it under another top-level key (valid YAML, mostly an invalid profile). */
function aliasTopLevel(rnd: Random, text: string): string {
  const keys = [...text.matchAll(/^([A-Za-z]\w*):\s*$/gm)].map((m) => m[1]!);
  if (!keys.length) return text;
  const key = rnd.pick(keys);
  return `${text.replace(new RegExp(`^${key}:\\s*$`, 'm'), `${key}: &anchored`)}${rnd.pick(['server', 'sentinel', 'backup', 'global', 'copy'])}: *anchored\n`;
}

interface Base {
  name: string;
  value: Json;
  text?: string;
  /** How often it is picked: the shipped profiles are what users start from; all defaults is long to parse. */
  weight: number;
}

function bases(): Base[] {
  const shipped = listProfiles().map((p) => {
    const text = fs.readFileSync(p.file, 'utf8');
    return { name: p.name, value: parse(text) as Json, text, weight: 4 };
  });
  const model = defaults(MODEL) as Json;
  const components = Object.keys(model).map((k) => ({ name: `defaults of ${k}`, value: { [k]: model[k] }, weight: 1 }));
  return [...shipped, { name: 'empty', value: {}, weight: 2 }, { name: 'all defaults', value: model, weight: 1 }, ...components];
}

function pickWeighted<T extends { weight: number }>(rnd: Random, xs: readonly T[]): T {
  let r = rnd.int(xs.reduce((sum, x) => sum + x.weight, 0));
  return xs.find((x) => (r -= x.weight) < 0)!;
}

/** `count` fuzzed profiles; the shipped profiles, unchanged, come first. */
export function fuzzProfileCases(seed = FUZZ_SEED, count = 1050): FuzzCase[] {
  const rnd = new Random(seed);
  const all = bases();
  const cases: FuzzCase[] = all.filter((b) => b.text !== undefined).map((b) => ({ name: `${b.name} as shipped`, text: b.text!, sets: [] }));
  while (cases.length < count) {
    const base = pickWeighted(rnd, all);
    const value = structuredClone(base.value);
    const raws: string[] = [];
    const raw = (literal: string) => `zzraw${raws.push(literal) - 1}zz`;
    const done: string[] = [];
    for (let n = 1 + rnd.int(3); n > 0; n--) done.push(pickWeighted(rnd, MUTATIONS).mutate(rnd, value, raw));
    // A plain scalar is spliced in as written, so that YAML resolves it (1e309, yes, 0777...), not the stringifier.
    let text = stringify(value, { lineWidth: 0, collectionStyle: rnd.chance(0.1) ? 'flow' : 'any' }).replace(/zzraw(\d+)zz/g, (_, i: string) => raws[Number(i)]!);
    if (rnd.chance(0.3)) {
      const t = rnd.pick(TEXT_MUTATIONS);
      text = t.mutate(rnd, text);
      done.push(t.name);
    }
    cases.push({ name: `#${cases.length} ${base.name}: ${done.join('; ')}`, text, sets: [] });
  }
  return cases;
}

// --set expressions: Helm-like `key.path=value`, well-formed and not.
const MALFORMED_SETS = ['noequals', '=3', '=', '==', '', ' =1', '.a=1', 'a.=1', 'a..b=1', 'server..enabled=true', 'a[=1', 'a]=1', 'a[x]=1', 'a[-1]=1',
  'server.config.save[99999999]=x', 'global.imagePullSecrets[99999999].name=x', 'a[0][99999999]=1', '[0]=1', '\\.=1', 'a\\..b=1', '🔥.🔥=1', 'ключ=1',
  'a\nb=1', 'a b=1', 'a=b=c', 'global.auth.password', 'global..auth=1', '.=1', '\\=1', 'sentinel.quorum[0]=2', 'global.engine.x=1',
  'server.config.save.x=1', 'global.topology.dataNodes.x.y=3', 'global[0]=1', 'server.config.save[65537]=1 2', 'server.config.save[4096]=1 2', 'server.config.save[2]=60 100',
  'global.commonLabels.app\\.kubernetes\\.io/name=web', 'server.podAnnotations.prometheus\\.io/scrape=true', 'global.commonLabels.\\.=x', 'a\\\\.b=1'];
const SET_VALUES = ['3', '-1', '0', '1.5', '1e309', '99999999999999999999', 'true', 'false', 'null', '~', '', '{a,b}', '{}', '{,}', '{1,{2,3}}', '{a',
  'a}', '"quoted"', "'single'", 'yes', 'no', 'on', '0777', '0x1F', '1_000', '[1, 2]', '{a: 1}', 'a: b: c', '- x', '&a', '*a', '!!binary aGk=', '%x', '@x', '`id`', '|', '>', '#', '? x'];

function setExpression(rnd: Random): string {
  switch (rnd.int(6)) {
    case 0: return rnd.pick(MALFORMED_SETS);
    case 1: { const [p, leaf] = rnd.pick(LEAVES); return `${p.join('.')}=${String(validLeafValue(rnd, p, leaf))}`; }
    case 2: { const [p] = rnd.pick(NODES); return `${p.join('.')}=${rnd.pick(SET_VALUES)}`; }
    case 3: { const p = rnd.pick(SECRET_PATHS); return `${p.join('.')}=${rnd.chance(0.7) ? injection(rnd) : rnd.pick([...UNICODE, hugeString(rnd)])}`; }
    case 4: { const p = rnd.pick(GROUP_PATHS); return `${[...p, unknownKey(rnd, p)].map(escapeSegment).join('.')}=${rnd.pick(SET_VALUES)}`; }
    default: { const p = rnd.pick(USER_MAPS); return `${p.join('.')}.${escapeSegment(rnd.pick([...RANDOM_KEYS, ...UNICODE, 'app.kubernetes.io/part-of']))}=${injection(rnd)}`; }
  }
}

const escapeSegment = (s: string) => s.replace(/\./g, '\\.');

/** `count` cases of one to three --set expressions, over the shipped profiles, YAML edge cases and fuzzed profiles. */
export function fuzzSetCases(seed = FUZZ_SEED + 1, count = 220): FuzzCase[] {
  const rnd = new Random(seed);
  const shipped = bases().filter((b) => b.text !== undefined);
  const edgeCases = [...SNIPPETS, ...NON_MAPPINGS].map((text, i) => ({ name: `YAML edge case ${i}`, text }));
  const fuzzed = fuzzProfileCases(seed, 100);
  return Array.from({ length: count }, (_, i) => {
    const base = rnd.chance(0.6) ? rnd.pick(shipped) : rnd.pick(rnd.chance(0.5) ? edgeCases : fuzzed);
    const sets = Array.from({ length: 1 + rnd.int(3) }, () => setExpression(rnd));
    return { name: `set #${i} on ${base.name.split(':')[0]}: ${sets.map((s) => `--set ${show(s)}`).join(' ')}`, text: base.text!, sets };
  });
}

/** Every fuzz case, profiles then --set cases. */
export const allFuzzCases = (): FuzzCase[] => [...fuzzProfileCases(), ...fuzzSetCases()];

/**
 * The fuzzed profiles validate accepts (warnings allowed), as the file `up` would install: --set applied.
 * Helm must accept each of them too; a cluster test can server-side dry-run them.
 */
export function acceptedFuzzProfiles(cases: FuzzCase[] = allFuzzCases()): { name: string; text: string }[] {
  return cases.flatMap((c) => {
    try {
      const { text, diagnostics } = validateProfileWithSets('fuzz.yaml', c.text, c.sets);
      return errorsIn(diagnostics).length ? [] : [{ name: c.name, text }];
    } catch {
      // Refused (a malformed --set), or a crash the fuzz test reports: not a profile to install.
      return [];
    }
  });
}
