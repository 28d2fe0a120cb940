import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { REPO_ROOT } from '../../generator/paths.ts';
import { requireCommand } from '../../toolchain/tools.ts';
import { chartDirs } from './charts.ts';

const run = promisify(execFile);
const WORKFLOWS = path.join(REPO_ROOT, '.github', 'workflows');

/** GitHub's `on:` key is a YAML 1.1 boolean to yamllint; only that key is let through. */
const WORKFLOW_LINT = JSON.stringify({
  extends: 'default',
  rules: { truthy: { 'allowed-values': ['true', 'false'], 'check-keys': false }, 'line-length': { max: 160 }, 'document-start': 'disable' },
});

async function yamllint(args: string[]): Promise<void> {
  const bin = requireCommand('yamllint', 'yamllint');
  try {
    await run(bin, ['--strict', '-f', 'parsable', ...args], { cwd: REPO_ROOT });
  } catch (e) {
    const err = e as { stdout?: string; message: string };
    expect.fail(err.stdout || err.message);
  }
}

describe('ct lint: yamllint', () => {
  // ct lints Chart.yaml and values.yaml with lintconf.yaml.
  for (const chart of chartDirs()) {
    it(`${path.basename(chart)}: Chart.yaml and values.yaml pass lintconf.yaml`, () =>
      yamllint(['-c', 'lintconf.yaml', path.join(chart, 'Chart.yaml'), path.join(chart, 'values.yaml')]));
  }

  it('ct.yaml and lintconf.yaml pass lintconf.yaml', () => yamllint(['-c', 'lintconf.yaml', 'ct.yaml', 'lintconf.yaml']));

  it('the GitHub workflows pass yamllint', () => {
    const files = fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yaml')).map((f) => path.join(WORKFLOWS, f));
    expect(files).to.not.be.empty;
    return yamllint(['-d', WORKFLOW_LINT, ...files]);
  });
});
