import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { CHARTS_DIR, PROFILES_DIR, REPO_ROOT } from '../../generator/paths.ts';
import { requireCommand } from '../../toolchain/tools.ts';
import { newProfile } from '../../generator/profiles/new-profile.ts';

const LINT_CONF = path.join(REPO_ROOT, 'lintconf.yaml');

interface LintResult { code: number; output: string }

function yamllint(files: string[]): Promise<LintResult> {
  const bin = requireCommand('yamllint', 'yamllint');
  return new Promise((resolve) => {
    execFile(bin, ['-f', 'parsable', '-c', LINT_CONF, ...files], { cwd: REPO_ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}`.trim() });
    });
  });
}

const chartDirs = () => fs.readdirSync(CHARTS_DIR)
  .map((name) => path.join(CHARTS_DIR, name))
  .filter((dir) => fs.existsSync(path.join(dir, 'Chart.yaml')));

const ciValues = (dir: string) => {
  const ci = path.join(dir, 'ci');
  return fs.existsSync(ci) ? fs.readdirSync(ci).filter((f) => f.endsWith('-values.yaml')).map((f) => path.join(ci, f)) : [];
};

const yamlFilesIn = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => path.join(dir, f));

/** What chart-testing lints: each chart's Chart.yaml, values.yaml and CI values, and the profiles. */
const lintedFiles = () => [
  ...chartDirs().flatMap((dir) => [path.join(dir, 'Chart.yaml'), path.join(dir, 'values.yaml'), ...yamlFilesIn(path.join(dir, 'ci'))]),
  ...yamlFilesIn(PROFILES_DIR),
];

describe('YAML lint (chart-testing lintconf.yaml)', () => {
  it('covers every chart and profile', () => {
    const files = lintedFiles().map((f) => path.relative(REPO_ROOT, f));
    expect(chartDirs().length).to.equal(6);
    for (const dir of chartDirs()) expect(files).to.include(path.relative(REPO_ROOT, path.join(dir, 'values.yaml')));
    expect(files).to.include.members(['values/dev.yaml', 'values/ha-production.yaml', 'values/exporter.yaml']);
  });

  it('passes on Chart.yaml, values.yaml, ci/*.yaml of every chart and values/*.yaml, without a warning', async () => {
    const r = await yamllint(lintedFiles());
    expect(r.output).to.equal('');
    expect(r.code).to.equal(0);
  });

  describe('on files it must refuse', () => {
    let dir: string;

    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-yamllint-'));
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('fails on trailing spaces and a duplicate key, naming the line', async () => {
      const bad = path.join(dir, 'bad.yaml');
      fs.writeFileSync(bad, 'server:  \n  enabled: true\n  enabled: false\n');
      const r = await yamllint([bad]);
      expect(r.code).to.equal(1);
      expect(r.output).to.include(`${bad}:1:8: [error] trailing spaces`);
      expect(r.output).to.match(/:3:3: \[error\] duplication of key "enabled"/);
    });

    it('passes a profile written by new-profile', async () => {
      const made = newProfile({ name: 'linted', from: path.join(PROFILES_DIR, 'ha-production.yaml'), set: ['server.config.save={900 1,300 10}', 'global.engine=valkey'], force: false, dir });
      expect(made.ok).to.equal(true);
      const r = await yamllint([path.join(dir, 'linted.yaml')]);
      expect(r.output).to.equal('');
    });
  });
});

describe('chart-testing configuration (ct.yaml)', () => {
  const ct = parse(fs.readFileSync(path.join(REPO_ROOT, 'ct.yaml'), 'utf8')) as Record<string, unknown>;

  it('names charts as its chart dir', () => {
    expect(ct['chart-dirs']).to.deep.equal(['charts']);
  });

  it('points lint-conf at the repository lintconf.yaml', () => {
    expect(ct['lint-conf']).to.equal('lintconf.yaml');
    expect(fs.existsSync(LINT_CONF)).to.equal(true);
  });

  for (const dir of chartDirs()) {
    it(`finds ci/*-values.yaml for ${path.basename(dir)}, each a mapping of values`, () => {
      const files = ciValues(dir);
      expect(files, `${path.relative(REPO_ROOT, dir)}/ci`).to.not.be.empty;
      for (const f of files) {
        const values: unknown = parse(fs.readFileSync(f, 'utf8')) ?? {};
        expect(values, f).to.be.an('object').and.not.an('array');
      }
    });
  }
});
