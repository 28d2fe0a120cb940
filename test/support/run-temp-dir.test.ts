import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDeadRuns } from './run-temp-dir.ts';

describe('the test run temporary folder', () => {
  it('is where this run writes temporary files (TMPDIR), and the next run removes only the folders of runs that are gone', () => {
    expect(tmpdir()).to.match(/redis-charts-test-run-/);
    const base = mkdtempSync(join(tmpdir(), 'runs-'));
    try {
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
      const run = (name: string, pid?: string) => {
        mkdirSync(join(base, name));
        if (pid !== undefined) writeFileSync(join(base, name, 'owner.pid'), pid);
        return join(base, name);
      };
      const gone = run('redis-charts-test-run-gone', dead);
      const unowned = run('redis-charts-test-run-unowned');
      const live = run('redis-charts-test-run-live', String(process.pid));
      const other = run('something-else');
      removeDeadRuns(base);
      expect([gone, unowned, live, other].map(existsSync)).to.deep.equal([false, false, true, true]);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
