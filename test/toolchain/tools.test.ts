import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { HELM, ToolMissingError, helmBinary, requireCommand, type HelmMajor } from '../../toolchain/tools.ts';
import { runChecked } from '../../toolchain/run.ts';

const setupScript = fileURLToPath(new URL('../../scripts/setup-tools.mjs', import.meta.url));

describe('toolchain', function () {
  // The first setup run may download both Helm tarballs.
  this.timeout(180_000);

  before(async () => {
    await runChecked(process.execPath, [setupScript]);
  });

  for (const major of [3, 4] as const satisfies readonly HelmMajor[]) {
    it(`runs the pinned helm ${major} and reports its version`, async () => {
      const stdout = await runChecked(helmBinary(major), ['version', '--short']);
      expect(stdout.trim()).to.match(new RegExp(`^v${HELM[major].version.replaceAll('.', '\\.')}\\+`));
    });
  }

  it('names the missing command and the apt command that installs it', () => {
    expect(() => requireCommand('definitely-not-a-tool', 'x'))
      .to.throw(ToolMissingError)
      .with.property('message')
      .that.includes('definitely-not-a-tool')
      .and.includes('apt-get install -y x');
  });

  it('finds a command that is on PATH', () => {
    expect(requireCommand('redis-server', 'redis-server')).to.match(/^\/.*\/redis-server$/);
  });

  it('re-runs the setup script as a no-op that prints only the ready line', async () => {
    const stdout = await runChecked(process.execPath, [setupScript]);
    expect(stdout.trim()).to.match(/^tools ready: helm 3\.17\.2, helm 4\.1\.4, redis-server \d/);
    expect(stdout.trim().split('\n')).to.have.length(1);
  });
});
