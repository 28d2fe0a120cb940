import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { isSemver } from '../../generator/emit/semver.ts';
import { chartDirs } from './chart-dirs.ts';

/** chart-testing's Chart.yaml schema (etc/chart_schema.yaml): the keys it knows, and which are required. */
const KNOWN = ['name', 'home', 'version', 'apiVersion', 'appVersion', 'description', 'keywords', 'sources', 'maintainers',
  'dependencies', 'icon', 'engine', 'condition', 'tags', 'deprecated', 'kubeVersion', 'annotations', 'type'];
const REQUIRED = ['apiVersion', 'name', 'version', 'description', 'home', 'kubeVersion', 'appVersion', 'maintainers', 'sources'];
const DEPENDENCY_KEYS = ['name', 'version', 'repository', 'condition', 'tags', 'enabled', 'import-values', 'alias'];

describe('ct lint: Chart.yaml schema', () => {
  for (const dir of chartDirs()) {
    const name = path.basename(dir);
    it(`${name}: apiVersion v2, name = directory, semver version, required keys, kubeVersion`, () => {
      const chart = parse(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
      expect(Object.keys(chart).filter((k) => !KNOWN.includes(k)), 'keys chart-testing does not know').to.deep.equal([]);
      expect(REQUIRED.filter((k) => chart[k] === undefined || chart[k] === ''), 'missing keys').to.deep.equal([]);
      expect(chart['apiVersion']).to.equal('v2');
      expect(chart['name']).to.equal(name);
      expect(isSemver(String(chart['version'])), `version ${chart['version']}`).to.equal(true);
      expect(String(chart['kubeVersion'])).to.match(/^>=\s*1\.\d+/);
      expect(chart['type']).to.be.oneOf(['application', 'library']);
      for (const m of chart['maintainers'] as Array<Record<string, unknown>>) expect(m['name']).to.be.a('string').and.not.empty;
      for (const d of (chart['dependencies'] ?? []) as Array<Record<string, unknown>>) {
        expect(Object.keys(d).filter((k) => !DEPENDENCY_KEYS.includes(k))).to.deep.equal([]);
        expect(isSemver(String(d['version'])), `dependency ${d['name']} version`).to.equal(true);
        const sub = parse(fs.readFileSync(path.join(dir, 'charts', String(d['name']), 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
        expect(sub['version'], `charts/${name}/charts/${d['name']} is the version the dependency names`).to.equal(d['version']);
      }
    });
  }
});
