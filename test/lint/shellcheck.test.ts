import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CHARTS_DIR, REPO_ROOT } from '../../generator/paths.ts';
import { requireCommand } from '../../toolchain/tools.ts';
import { run } from '../../toolchain/run.ts';

/** Every shell script a chart ships (files/**), where lib.sh sits beside the scripts that source it. */
function chartScripts(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.sh')) found.push(p);
    }
  };
  for (const chart of fs.readdirSync(CHARTS_DIR)) {
    const files = path.join(CHARTS_DIR, chart, 'files');
    if (fs.existsSync(files)) walk(files);
  }
  return found.sort();
}

// The scripts run under the images' sh (busybox ash, dash): POSIX sh, checked at warning level and above, following
// what each script sources (`# shellcheck source=` beside each `.`). Scripts inlined in templates are not checked here;
// the TLS render test checks that they call redis-cli only through lib.sh.
describe('shellcheck on every chart script', () => {
  it('finds the scripts of the server, sentinel and backup charts', () => {
    const charts = new Set(chartScripts().map((f) => path.relative(CHARTS_DIR, f).split(path.sep)[0]));
    expect([...charts].sort()).to.include.members(['redis-backup', 'redis-sentinel', 'redis-server']);
  });

  it('reports no warning or error', async () => {
    const bin = requireCommand('shellcheck', 'shellcheck');
    const files = chartScripts().map((f) => path.relative(REPO_ROOT, f));
    const r = await run(bin, ['--shell=sh', '--severity=warning', '--external-sources', '--source-path=SCRIPTDIR', '--format=gcc', ...files], { cwd: REPO_ROOT });
    expect(r.stdout + r.stderr).to.equal('');
    expect(r.code).to.equal(0);
  });
});
