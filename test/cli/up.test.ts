import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { REPO_ROOT } from '../../generator/paths.ts';
import { waitForOutput } from '../support/cli.ts';

const CLI = path.join(REPO_ROOT, 'bin', 'redis-charts.js');


const netnsOf = (pid: number) => execFileSync('ip', ['netns', 'list']).toString().split('\n').filter((l) => l.includes(`-${pid}-`));

describe('redis-charts up / down on the sandbox cluster (the README\'s main job)', function () {
  this.timeout(120_000);
  let up: ChildProcess | undefined;

  afterEach(() => { if (up && up.exitCode === null) up.kill('SIGKILL'); });

  it('deploys the dev profile, prints a REDIS_URL that works, and `down` tears everything down', async () => {
    up = spawn(process.execPath, [CLI, 'up', 'dev', '--release', 'uptest', '--sandbox'], { cwd: REPO_ROOT });
    const out = await waitForOutput(up, /Press Ctrl-C/, 60_000);
    expect(out).to.match(/ready in [\d.]+ s/);
    expect(out).to.match(/Password \(from Secret uptest-redis-auth\)/);
    const url = /REDIS_URL=(\S+)/.exec(out)?.[1];
    expect(url, out).to.match(/^redis:\/\/default:[^@]+@[\d.]+:6379$/);
    const client = new Redis(url!, { maxRetriesPerRequest: 1 });
    try {
      await client.set('up:test', 'ok');
      expect(await client.get('up:test')).to.equal('ok');
    } finally {
      client.disconnect();
    }
    const exited = new Promise<number | null>((r) => up!.once('exit', r));
    execFileSync(process.execPath, [CLI, 'down', 'uptest'], { cwd: REPO_ROOT });
    expect(await exited).to.equal(0);
    expect(netnsOf(up.pid!)).to.deep.equal([]);
  });

  it('refuses an invalid profile with the file, key and fix, and starts nothing', async () => {
    up = spawn(process.execPath, [CLI, 'up', path.join(REPO_ROOT, 'test', 'fixtures', 'bad-quorum.yaml'), '--sandbox'], { cwd: REPO_ROOT });
    let err = '';
    up.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    const code = await new Promise<number | null>((r) => up!.once('exit', r));
    expect(code).to.equal(1);
    expect(err).to.match(/bad-quorum\.yaml:\d+:\d+: sentinel\.quorum: .*Set sentinel\.quorum/);
  });
});
