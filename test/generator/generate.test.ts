import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { renderCharts } from '../../generator/emit/generate.ts';
import { writeCharts } from '../../generator/emit/write.ts';
import { staleFiles } from '../../generator/emit/check.ts';
import { componentValuesModel, components, umbrella, umbrellaValuesModel } from '../../generator/charts/catalog.ts';
import { defaults, walk, type Group, type JsonSchema } from '../../generator/model/dsl.ts';
import { CHARTS_DIR, REPO_ROOT } from '../../generator/paths.ts';
import { runCli } from '../support/cli.ts';

interface Chart {
  name: string;
  dir: string;
  model: Group;
  /** What values.yaml must hold: the model's defaults. */
  modelDefaults: unknown;
}

const CHARTS: Chart[] = [
  ...components.map((c) => ({
    name: c.name, dir: path.join(CHARTS_DIR, c.name), model: componentValuesModel(c),
    // A component installed on its own is switched on: `enabled` is only the umbrella's switch.
    modelDefaults: { ...(defaults(componentValuesModel(c)) as object), enabled: true },
  })),
  { name: umbrella.name, dir: path.join(CHARTS_DIR, umbrella.name), model: umbrellaValuesModel(), modelDefaults: defaults(umbrellaValuesModel()) },
];

const REQUIRED_FILES = ['Chart.yaml', 'values.yaml', 'values.schema.json', 'README.md', 'templates/NOTES.txt'];

const readValues = (chart: Chart) => parse(fs.readFileSync(path.join(chart.dir, 'values.yaml'), 'utf8')) as unknown;

type SchemaNode = JsonSchema & { properties?: Record<string, SchemaNode>; description?: string; default?: unknown };
const readSchema = (chart: Chart) => JSON.parse(fs.readFileSync(path.join(chart.dir, 'values.schema.json'), 'utf8')) as SchemaNode;

/** Every key of the values model (groups included), as a path. */
const modelKeys = (chart: Chart) => [...walk(chart.model)].filter(([p]) => p.length > 0);
/** The keys a user sets: scalars, lists and free-form maps, never a group. */
const leafKeys = (chart: Chart) => modelKeys(chart).filter(([, node]) => node.kind !== 'group').map(([p]) => p);

function schemaAt(schema: SchemaNode, keyPath: string[]): SchemaNode | undefined {
  return keyPath.reduce<SchemaNode | undefined>((node, key) => node?.properties?.[key], schema);
}

function valueAt(values: unknown, keyPath: string[]): unknown {
  return keyPath.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), values);
}

/** Keys of the README's values table (the tables of its intro are not part of it). */
function readmeValueKeys(chart: Chart): string[] {
  const readme = fs.readFileSync(path.join(chart.dir, 'README.md'), 'utf8');
  const section = readme.split(/^## Values$/m)[1]?.split(/^## /m)[0] ?? '';
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

describe('the chart generator', () => {
  it('renders the same files twice in a row (deterministic)', () => {
    const first = renderCharts();
    const second = renderCharts();
    expect(second).to.deep.equal(first);
    expect(new Set(first.map((f) => f.path)).size, 'duplicate output paths').to.equal(first.length);
  });

  it('has written the committed charts/ exactly as it renders them (generate --check exits 0)', async () => {
    const r = await runCli(['generate', '--check']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^charts\/ is up to date \(\d+ files\)/);
  });

  it('starts every generated file but JSON with a line naming a source that exists', () => {
    const problems = renderCharts().filter((f) => !f.path.endsWith('.json')).flatMap((f) => {
      const lines = f.content.split('\n');
      const first = lines[0]!.startsWith('#!') ? lines[1]! : lines[0]!;
      const source = /generated from (\S+?)[;)]? .*edit there/.exec(first)?.[1];
      if (!source) return [`${f.path}: no header, first line ${JSON.stringify(first)}`];
      return fs.existsSync(path.join(REPO_ROOT, source)) ? [] : [`${f.path}: header names ${source}, which does not exist`];
    });
    expect(problems).to.deep.equal([]);
  });

  describe('generate --check', () => {
    let root: string;
    const files = renderCharts();

    before(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-check-'));
      writeCharts(files, root);
    });

    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it('finds nothing stale right after writing', () => {
      expect(staleFiles(files, root)).to.deep.equal([]);
    });

    it('names a hand-edited, a deleted and a stray file', () => {
      fs.appendFileSync(path.join(root, 'charts/redis-server/values.yaml'), '# edited by hand\n');
      fs.rmSync(path.join(root, 'charts/redis/README.md'));
      fs.writeFileSync(path.join(root, 'charts/redis-server/templates/stray.yaml'), 'kind: ConfigMap\n');
      expect(staleFiles(files, root)).to.deep.equal(['charts/redis-server/templates/stray.yaml', 'charts/redis-server/values.yaml', 'charts/redis/README.md']);
    });
  });

  for (const chart of CHARTS) {
    describe(`chart ${chart.name}`, () => {
      it(`has ${REQUIRED_FILES.join(', ')}`, () => {
        const missing = REQUIRED_FILES.filter((f) => !fs.existsSync(path.join(chart.dir, f)));
        expect(missing, `missing in charts/${chart.name}`).to.deep.equal([]);
      });

      it('has values.yaml equal to the defaults of the model', () => {
        expect(readValues(chart)).to.deep.equal(chart.modelDefaults);
      });

      it('describes every values key in values.schema.json', () => {
        const schema = readSchema(chart);
        const undocumented = modelKeys(chart).map(([p]) => p).filter((p) => !schemaAt(schema, p)?.description?.trim()).map((p) => p.join('.'));
        expect(undocumented).to.deep.equal([]);
      });

      it('gives every leaf key a schema default equal to its values.yaml value', () => {
        const schema = readSchema(chart);
        const values = readValues(chart);
        const problems = leafKeys(chart).flatMap((p) => {
          const node = schemaAt(schema, p);
          const key = p.join('.');
          if (!node) return [`${key}: not in values.schema.json`];
          if (!('default' in node)) return [`${key}: no default`];
          const value = valueAt(values, p);
          return JSON.stringify(node.default) === JSON.stringify(value) ? [] : [`${key}: default ${JSON.stringify(node.default)} but values.yaml has ${JSON.stringify(value)}`];
        });
        expect(problems).to.deep.equal([]);
      });

      it('lists every leaf key in the README values table, once', () => {
        const rows = readmeValueKeys(chart);
        const leaves = leafKeys(chart).map((p) => p.join('.'));
        expect(leaves.length).to.be.greaterThan(10);
        expect(rows).to.have.members(leaves);
      });
    });
  }
});
