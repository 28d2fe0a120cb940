import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { newProfile, type NewProfileResult } from '../../generator/profiles/new-profile.ts';
import { SetSyntaxError } from '../../generator/profiles/set-values.ts';
import { validateProfile } from '../../generator/profiles/validate.ts';
import { errorsIn, formatDiagnostic } from '../../generator/profiles/diagnostics.ts';
import { PROFILES_DIR, UMBRELLA_DIR } from '../../generator/paths.ts';
import { runCli } from '../support/cli.ts';
import type { CommandResult } from '../../toolchain/run.ts';
import { runHelm } from '../support/helm-runs.ts';

const HA = path.join(PROFILES_DIR, 'ha-production.yaml');
const haText = fs.readFileSync(HA, 'utf8');
const commentLines = (text: string) => text.split('\n').filter((l) => l.trimStart().startsWith('#'));

function expectWritten(r: NewProfileResult): string {
  if (!r.ok) expect.fail('error' in r ? r.error : r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.file;
}

describe('new-profile', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-new-profile-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('a profile made from ha-production with overrides', () => {
    let file: string;
    let text: string;

    beforeEach(() => {
      file = expectWritten(newProfile({
        name: 'staging', from: HA, force: false, dir,
        set: ['server.persistence.size=5Gi', 'sentinel.downAfterMilliseconds=3000', 'server.config.save={900 1,300 10}'],
      }));
      text = fs.readFileSync(file, 'utf8');
    });

    it('is written as <dir>/<name>.yaml', () => {
      expect(file).to.equal(path.join(dir, 'staging.yaml'));
    });

    it('keeps every comment of its source', () => {
      expect(commentLines(haText).length).to.be.greaterThan(3);
      for (const line of commentLines(haText)) expect(text).to.include(line);
    });

    it('starts with one line naming its source and overrides, then the source comments', () => {
      expect(text).to.match(/^# staging: made from ha-production\.yaml with server\.persistence\.size=5Gi, .*\.\n\n?# ha-production:/);
    });

    it('validates (keeping its source\'s warning)', () => {
      expect(errorsIn(validateProfile(file)).map(formatDiagnostic)).to.deep.equal([]);
    });

    it('has the overrides, typed as --set types them, and every other value of its source', () => {
      const values = parse(text) as Record<string, any>;
      const source = parse(haText) as Record<string, any>;
      expect(values.server.persistence.size).to.equal('5Gi');
      expect(values.sentinel.downAfterMilliseconds).to.equal(3000);
      expect(values.server.config.save).to.deep.equal(['900 1', '300 10']);
      source.server.persistence.size = '5Gi';
      source.sentinel.downAfterMilliseconds = 3000;
      source.server.config.save = ['900 1', '300 10'];
      expect(values).to.deep.equal(source);
    });

    it('renders with helm template', async () => {
      const r = await runHelm(4, ['template', 'staging', UMBRELLA_DIR, '-f', file]);
      expect(r.ok, r.stderr).to.equal(true);
      expect(r.stdout).to.include('storage: 5Gi');
    });

    it('is not overwritten without force', () => {
      const r = newProfile({ name: 'staging', from: HA, set: ['server.persistence.size=9Gi'], force: false, dir });
      expect(r.ok).to.equal(false);
      expect('error' in r && r.error).to.include('pass --force to overwrite it');
      expect(fs.readFileSync(file, 'utf8')).to.equal(text);
    });

    it('is overwritten with force', () => {
      expectWritten(newProfile({ name: 'staging', from: HA, set: ['server.persistence.size=9Gi'], force: true, dir }));
      expect((parse(fs.readFileSync(file, 'utf8')) as any).server.persistence.size).to.equal('9Gi');
    });

    it('is kept as it was when a forced overwrite is invalid', () => {
      const r = newProfile({ name: 'staging', from: HA, set: ['sentinel.quorum=5'], force: true, dir });
      expect(r.ok).to.equal(false);
      expect(fs.readFileSync(file, 'utf8')).to.equal(text);
    });
  });

  it('refuses a --set value of the wrong type, naming the key, and writes nothing', () => {
    const r = newProfile({ name: 'bad', from: HA, set: ['sentinel.quorum=two'], force: false, dir });
    expect(r.ok).to.equal(false);
    const diagnostics = 'diagnostics' in r ? r.diagnostics : [];
    expect(diagnostics.map((d) => d.key)).to.include('sentinel.quorum');
    expect(fs.existsSync(path.join(dir, 'bad.yaml'))).to.equal(false);
  });

  it('refuses a --set value that breaks a rule (quorum over the sentinels) and writes nothing', () => {
    const r = newProfile({ name: 'bad', from: HA, set: ['sentinel.quorum=4'], force: false, dir });
    expect(r.ok).to.equal(false);
    expect('diagnostics' in r && r.diagnostics.map(formatDiagnostic).join('\n')).to.include('sentinel.quorum: quorum 4 is more than the 3 sentinels');
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it('refuses a --set of an unknown key with a suggestion and writes nothing', () => {
    const r = newProfile({ name: 'bad', from: HA, set: ['sentinnel.quorum=2'], force: false, dir });
    expect('diagnostics' in r && r.diagnostics.map(formatDiagnostic).join('\n')).to.include('Did you mean "sentinel"?');
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it('throws a syntax error for a --set without "="', () => {
    expect(() => newProfile({ name: 'bad', from: HA, set: ['sentinel.quorum'], force: false, dir }))
      .to.throw(SetSyntaxError, 'expected key.path=value');
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it('refuses a profile name that is not lower-case letters, digits and dashes', () => {
    const r = newProfile({ name: 'Staging_1', from: HA, set: [], force: false, dir });
    expect('error' in r && r.error).to.include('use lower-case letters, digits and dashes');
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it('refuses a source profile that does not exist', () => {
    const r = newProfile({ name: 'x', from: path.join(dir, 'missing.yaml'), set: [], force: false, dir });
    expect('error' in r && r.error).to.include('no such profile');
  });

  describe('redis-charts new-profile', () => {
    const name = `foundation-test-${process.pid}`;
    const created = path.join(PROFILES_DIR, `${name}.yaml`);

    after(() => fs.rmSync(created, { force: true }));

    let usage: CommandResult;
    let badValue: CommandResult;

    // Both refusals run at once: each start of node + tsx takes about a second.
    before(async () => {
      [usage, badValue] = await Promise.all([
        runCli(['new-profile', name, '--from', 'ha-production', '--set', 'sentinel.quorum']),
        runCli(['new-profile', name, '--from', 'ha-production', '--set', 'sentinel.quorum=two']),
      ]);
    });

    it('gives a usage error for a --set without "=" and writes nothing', () => {
      expect(usage.code).to.equal(1);
      expect(usage.stderr).to.include('expected key.path=value');
      expect(usage.stderr).to.include('Usage: redis-charts new-profile');
      expect(fs.existsSync(created)).to.equal(false);
    });

    it('prints each problem of a bad --set value as file:line:col: key: and writes nothing', () => {
      expect(badValue.code).to.equal(1);
      expect(badValue.stderr).to.match(new RegExp(`^values/${name}\\.yaml:\\d+:\\d+: sentinel\\.quorum: expected integer`, 'm'));
      expect(badValue.stderr).to.include('nothing was written');
      expect(fs.existsSync(created)).to.equal(false);
    });

    it('writes values/<name>.yaml and prints how to install it, then refuses to overwrite it without --force', async () => {
      try {
        const r = await runCli(['new-profile', name, '--from', 'ha-production', '--set', 'server.persistence.size=5Gi']);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stdout).to.include(`wrote values/${name}.yaml`);
        expect(r.stdout).to.include(`helm install ${name} charts/redis -f values/${name}.yaml`);
        expect(errorsIn(validateProfile(created))).to.deep.equal([]);
        expect(r.stderr).to.include('warning: backup.remote.s3.envAuth');

        const again = await runCli(['new-profile', name, '--from', 'dev']);
        expect(again.code).to.equal(1);
        expect(again.stderr).to.include('--force');
        expect((parse(fs.readFileSync(created, 'utf8')) as any).server.persistence.size).to.equal('5Gi');
      } finally {
        fs.rmSync(created, { force: true });
      }
    });
  });
});
