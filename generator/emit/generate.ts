import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { stringify } from 'yaml';
import { APP_VERSION, componentValuesModel, components, umbrella, umbrellaSchema, umbrellaValuesModel } from '../charts/catalog.ts';
import type { ComponentChart } from '../charts/chart.ts';
import { bool, group, toSchema, type Group } from '../model/dsl.ts';
import { valuesYaml } from './values-yaml.ts';
import { valuesSchemaJson } from './schema-json.ts';
import { valueRows } from './values-table.ts';
import { GENERATOR_DIR, REPO_ROOT } from '../paths.ts';
import { listProfiles } from '../profiles/files.ts';
import type { OutputFile } from './output.ts';
import { withHeader } from './header.ts';

const hbs = Handlebars.create();
hbs.registerHelper('json', (value: unknown) => JSON.stringify(value));
const template = (name: string) => hbs.compile(fs.readFileSync(path.join(GENERATOR_DIR, 'templates', name), 'utf8'), { noEscape: false });
const chartYaml = template('Chart.yaml.hbs');
const readme = template('README.md.hbs');

/** A source file as the headers name it: relative to the repository root. */
const source = (file: string) => path.relative(REPO_ROOT, file);
const descriptorSource = (chartName: string) => source(path.join(GENERATOR_DIR, 'charts', chartName, 'chart.ts'));
const CHART_YAML_SOURCE = (chartName: string) => `${descriptorSource(chartName)} (generator/templates/Chart.yaml.hbs)`;
const VALUES_SOURCE = 'generator/model/ (the values model)';
const README_SOURCE = (chartName: string) => `generator/templates/README.md.hbs (generator/charts/${chartName}/, generator/model/)`;

/** Everything `generate` writes, in a stable order. Pure: reads the generator sources, writes nothing. */
export function renderCharts(): OutputFile[] {
  const out: OutputFile[] = [];
  for (const chart of components) out.push(...componentFiles(chart));
  out.push(...umbrellaFiles());
  return out;
}

function componentFiles(chart: ComponentChart): OutputFile[] {
  const model = standaloneModel(chart);
  const dir = `charts/${chart.name}`;
  return [
    withHeader({ path: `${dir}/Chart.yaml`, content: chartYaml({ ...chart, appVersion: APP_VERSION }) }, CHART_YAML_SOURCE(chart.name)),
    withHeader({ path: `${dir}/values.yaml`, content: valuesYaml(model) }, VALUES_SOURCE),
    { path: `${dir}/values.schema.json`, content: valuesSchemaJson(toSchema(model), `${chart.name} values`) },
    withHeader({
      path: `${dir}/README.md`,
      content: readme({
        ...chart, appVersion: APP_VERSION, intro: intro(chart.name), rows: valueRows(model),
        installCommand: `helm install my-redis charts/${chart.name}`,
      }),
    }, README_SOURCE(chart.name)),
    ...copyTemplates(chart.name, dir, chart.sharedScripts),
    // Written from TypeScript sources, not copied (JSON: no header).
    ...(chart.generatedFiles?.() ?? []).map((f) => ({ path: `${dir}/files/${f.name}`, content: f.content })),
    withHeader({ path: `${dir}/ci/default-values.yaml`, content: `# Values chart-testing installs this chart with.\n${stringify(chart.ciValues)}` }, `${descriptorSource(chart.name)} (ciValues)`),
  ];
}

function umbrellaFiles(): OutputFile[] {
  const model = umbrellaValuesModel();
  const dir = `charts/${umbrella.name}`;
  return [
    withHeader({ path: `${dir}/Chart.yaml`, content: chartYaml({ ...umbrella, appVersion: APP_VERSION, dependencies: components }) }, CHART_YAML_SOURCE(umbrella.name)),
    withHeader({ path: `${dir}/values.yaml`, content: valuesYaml(model) }, VALUES_SOURCE),
    { path: `${dir}/values.schema.json`, content: valuesSchemaJson(umbrellaSchema(), 'redis umbrella values') },
    withHeader({
      path: `${dir}/README.md`,
      content: readme({
        ...umbrella, appVersion: APP_VERSION, intro: intro(umbrella.name), rows: valueRows(model),
      }),
    }, README_SOURCE(umbrella.name)),
    ...copyTemplates(umbrella.name, dir, false),
    // Subcharts are copied in, so `helm install` needs no `helm dependency build` step.
    ...components.flatMap((c) => componentFiles(c).map((f) => ({ ...f, path: f.path.replace(/^charts\//, `${dir}/charts/`) }))),
    // The profiles, which chart-testing installs the umbrella with: their source is values/, not generator/.
    ...listProfiles().map((p) => withHeader({ path: `${dir}/ci/${p.name}-values.yaml`, content: fs.readFileSync(p.file, 'utf8') }, source(p.file))),
  ];
}

/** A component installed on its own: `enabled` is only the umbrella's switch, so it defaults to true there. */
function standaloneModel(chart: ComponentChart): Group {
  const model = componentValuesModel(chart);
  const enabled = bool(true, 'Switch used by the umbrella chart; ignored when this chart is installed on its own.');
  return group(model.description, { ...model.fields, enabled });
}

function intro(chartName: string): string {
  const file = path.join(GENERATOR_DIR, 'charts', chartName, 'README.intro.md');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
}

/** Chart-specific templates, plus the shared helpers every chart carries (and the shared shell library where asked). */
function copyTemplates(chartName: string, dir: string, sharedScripts: boolean): OutputFile[] {
  const sources = [
    ...sourceDir('shared', 'templates', dir),
    ...sourceDir(chartName, 'templates', dir),
    ...(sharedScripts ? sourceDir('shared', 'files', dir) : []),
    ...sourceDir(chartName, 'files', dir),
  ];
  return sources.map(({ from, to }) => withHeader({ path: to, content: fs.readFileSync(from, 'utf8') }, source(from)));
}

function sourceDir(chartName: string, sub: 'templates' | 'files', dir: string) {
  const root = path.join(GENERATOR_DIR, 'charts', chartName, sub);
  return filesIn(root).map((f) => ({ from: f, to: `${dir}/${sub}/${path.relative(root, f)}` }));
}

function filesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}
