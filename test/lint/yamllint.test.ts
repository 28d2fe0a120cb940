import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { PROFILES_DIR, REPO_ROOT } from '../../generator/paths.ts';
import { requireCommand } from '../../toolchain/tools.ts';
import { run } from '../../toolchain/run.ts';
import { newProfile } from '../../generator/profiles/new-profile.ts';
import { chartDirs } from './chart-dirs.ts';

const WORKFLOWS = path.join(REPO_ROOT, '.github', 'workflows');

/** GitHub's `on:` key is a YAML 1.1 boolean to yamllint; only that key is let through. */
const WORKFLOW_LINT = JSON.stringify({
  extends: 'default',
  rules: { truthy: { 'allowed-values': ['true', 'false'], 'check-keys': false }, 'line-length': { max: 160 }, 'document-start': 'disable' },
});

/** yamllint --strict (a warning fails too), with the repository's lintconf.yaml unless other rules are given. */
async function yamllint(files: string[], config: string[] = ['-c', 'lintconf.yaml']): Promise<{ code: number; output: string }> {
  const r = await run(requireCommand('yamllint', 'yamllint'), ['--strict', '-f', 'parsable', ...config, ...files], { cwd: REPO_ROOT });
  return { code: r.code, output: `${r.stdout}${r.stderr}`.trim() };
}

const yamlFilesIn = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => path.join(dir, f)) : []);

/** What chart-testing lints: each chart's Chart.yaml, values.yaml and CI values; and the profiles and ct's own files. */
const lintedFiles = () => [
  ...chartDirs().flatMap((dir) => [path.join(dir, 'Chart.yaml'), path.join(dir, 'values.yaml'), ...yamlFilesIn(path.join(dir, 'ci'))]),
  ...yamlFilesIn(PROFILES_DIR),
  'ct.yaml', 'lintconf.yaml',
];

describe('YAML lint (yamllint --strict; chart-testing\'s lintconf.yaml)', () => {
  it('covers every chart and profile', () => {
    const files = lintedFiles().map((f) => path.relative(REPO_ROOT, path.resolve(REPO_ROOT, f)));
    expect(chartDirs().length).to.equal(6);
    for (const dir of chartDirs()) expect(files).to.include(path.relative(REPO_ROOT, path.join(dir, 'values.yaml')));
    expect(files).to.include.members(['values/dev.yaml', 'values/ha-production.yaml', 'values/exporter.yaml']);
  });

  it('passes on Chart.yaml, values.yaml, ci/*.yaml of every chart, values/*.yaml, ct.yaml and lintconf.yaml, without a warning', async () => {
    const r = await yamllint(lintedFiles());
    expect(r.output).to.equal('');
    expect(r.code).to.equal(0);
  });

  it('passes on the GitHub workflows', async () => {
    const files = yamlFilesIn(WORKFLOWS);
    expect(files).to.not.be.empty;
    const r = await yamllint(files, ['-d', WORKFLOW_LINT]);
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
