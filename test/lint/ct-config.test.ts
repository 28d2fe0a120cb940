import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { CHARTS_DIR } from '../../generator/paths.ts';
import { chartDirs, ciValuesFiles } from './chart-dirs.ts';
import { components } from '../../generator/charts/catalog.ts';

/** Configuration keys of chart-testing v3 (`ct lint` and `ct install` flags). */
const CT_KEYS = new Set([
  'remote', 'target-branch', 'since', 'build-id', 'chart-dirs', 'charts', 'all', 'excluded-charts', 'chart-repos',
  'helm-repo-extra-args', 'helm-dependency-extra-args', 'helm-extra-args', 'helm-lint-extra-args', 'helm-extra-set-args',
  'lint-conf', 'chart-yaml-schema', 'validate-maintainers', 'validate-chart-schema', 'validate-yaml',
  'check-version-increment', 'exclude-deprecated', 'additional-commands', 'debug', 'print-config', 'github-groups',
  'use-helmignore', 'skip-helm-dependencies', 'namespace', 'release-label', 'upgrade', 'skip-missing-values',
  'skip-clean-up', 'kubectl-timeout', 'print-logs', 'release-name',
]);

describe('ct.yaml', () => {
  const config = parse(fs.readFileSync('ct.yaml', 'utf8')) as Record<string, unknown>;

  it('uses only keys chart-testing knows', () => {
    expect(Object.keys(config).filter((k) => !CT_KEYS.has(k))).to.deep.equal([]);
  });

  it('lints every chart under charts/ against main with lintconf.yaml, version increments on, vendored subcharts used as they are', () => {
    expect(config).to.include({ 'target-branch': 'main', 'lint-conf': 'lintconf.yaml', 'check-version-increment': true, 'skip-helm-dependencies': true });
    expect(config['chart-dirs']).to.deep.equal(['charts']);
    expect(fs.existsSync(CHARTS_DIR)).to.equal(true);
    expect(fs.existsSync('lintconf.yaml')).to.equal(true);
  });

  for (const dir of chartDirs()) {
    it(`finds ci/*-values.yaml for ${path.basename(dir)}, each a mapping of values`, () => {
      const files = ciValuesFiles(dir);
      expect(files, `${dir}/ci`).to.not.be.empty;
      for (const f of files) expect(parse(fs.readFileSync(f, 'utf8')) ?? {}, f).to.be.an('object').and.not.an('array');
    });
  }

  it('npm run test:ct-install leaves out exactly the charts whose descriptor says they are not installed alone', () => {
    const scripts = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    const excluded = /--excluded-charts (\S+)/.exec(scripts['test:ct-install'] ?? '')?.[1]?.split(',') ?? [];
    expect(excluded.sort()).to.deep.equal(components.filter((c) => c.notInstalledAlone).map((c) => c.name).sort());
  });
});
