import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { renderCharts } from '../../generator/emit/generate.ts';
import type { OutputFile } from '../../generator/emit/output.ts';
import { VERSION_LOCK, VersionBumpError, checkVersions, formatVersionLock } from '../../generator/emit/versions.ts';
import { baselineVersionLock, enforceVersionBumps, readVersionLock } from '../../generator/emit/version-lock-file.ts';
import { compareSemver } from '../../generator/emit/semver.ts';

const files = (content: string): OutputFile[] => [
  { path: 'charts/a/Chart.yaml', content },
  { path: 'charts/ab/Chart.yaml', content: 'other chart' },
];

describe('chart version lock', () => {
  it('orders semver versions by precedence', () => {
    expect(compareSemver('0.1.1', '0.1.0')).to.be.above(0);
    expect(compareSemver('1.0.0', '0.9.9')).to.be.above(0);
    expect(compareSemver('1.0.0-rc.1', '1.0.0')).to.be.below(0);
    expect(compareSemver('1.0.0-rc.10', '1.0.0-rc.9')).to.be.above(0);
    expect(compareSemver('1.0.0+build', '1.0.0')).to.equal(0);
  });

  it('refuses changed content under the same version and names the chart and the version to bump to', () => {
    const { lock } = checkVersions(files('v1'), {}, { a: '0.1.0' });
    const { problems } = checkVersions(files('v2'), lock, { a: '0.1.0' });
    expect(problems).to.deep.equal(['chart a changed but its version is still 0.1.0: bump it to 0.1.1 or higher in generator/charts/a/chart.ts']);
  });

  it('accepts changed content with a higher version and records it; unchanged content needs nothing', () => {
    const { lock } = checkVersions(files('v1'), {}, { a: '0.1.0' });
    expect(checkVersions(files('v1'), lock, { a: '0.1.0' }).problems).to.deep.equal([]);
    const bumped = checkVersions(files('v2'), lock, { a: '0.2.0' });
    expect(bumped.problems).to.deep.equal([]);
    expect(bumped.lock['a']!.version).to.equal('0.2.0');
    expect(bumped.lock['a']!.contentSha256).to.not.equal(lock['a']!.contentSha256);
  });

  it('enforceVersionBumps throws before writing and updates the lock after a bump (with no release recorded, the lock file is the baseline)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-lock-'));
    try {
      const out = renderCharts();
      enforceVersionBumps(out, root);
      const first = readVersionLock(root);
      const changed = out.map((f) => (f.path === 'charts/redis-server/values.yaml' ? { ...f, content: `${f.content}# edit\n` } : f));
      expect(() => enforceVersionBumps(changed, root)).to.throw(VersionBumpError, /chart redis-server changed but its version is still/);
      expect(readVersionLock(root)).to.deep.equal(first);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it(`${VERSION_LOCK} records the versions and content of the charts as generated now, bumped where main's lock says so`, () => {
    const { problems, lock } = checkVersions(renderCharts(), baselineVersionLock());
    expect(problems).to.deep.equal([]);
    expect(fs.readFileSync(VERSION_LOCK, 'utf8')).to.equal(formatVersionLock(lock));
  });
});
