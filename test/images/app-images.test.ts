// The application images (clients/ probes with go-redis, redis-py, ioredis): built by the image builder, run as
// their numeric non-root user from their own rootfs (chroot), each follows a Sentinel failover of the host's
// redis-server and redis-sentinel and prints a RESULT with nothing acknowledged lost.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { buildImages, rootfsDir, type BuiltImage } from '../../cluster/local/images/index.ts';
import { APP_IMAGE_SPECS, IOREDIS_VERSION } from '../../cluster/local/images/specs.ts';
import { missingAcked } from '../support/ack-writer.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHostSentinel, type HostSentinel } from '../support/host-sentinel.ts';
import { startWriterProcess, type WriterProcess } from '../support/writer-process.ts';
import { clientRtoMs } from '../support/writer-result.ts';
import { runChecked } from '../../toolchain/run.ts';

const isRoot = process.getuid?.() === 0;

/** The image's entrypoint as its user, in its rootfs, with its Env plus `env`. */
function inImage(root: string, user: string, entrypoint: string[], imageEnv: string[], env: Record<string, string>): { argv: string[]; env: Record<string, string> } {
  const base = Object.fromEntries(imageEnv.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  return {
    argv: ['unshare', '--mount', '--pid', '--fork', '--kill-child', `--mount-proc=${root}/proc`, '--', 'sh', '-c',
      'mount --rbind /dev "$0/dev" && exec "$@"', root, 'chroot', `--userspec=${user}`, root, ...entrypoint],
    env: { ...base, ...env },
  };
}

describe('application client images', function () {
  this.timeout(300_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-app-images-'));
  let built: BuiltImage[] = [];
  let setup: HostSentinel | undefined;
  const running: WriterProcess[] = [];

  before(async () => {
    built = await buildImages({ outDir: tmp, only: APP_IMAGE_SPECS.map((s) => s.name) });
  });
  after(async () => {
    for (const w of running.splice(0)) w.kill();
    await setup?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('tags each image with its client library version and runs it as a numeric non-root user', () => {
    expect(built.map((b) => b.name)).to.deep.equal([
      'redis-charts.local/app-go-redis:9.23.0',
      'redis-charts.local/app-redis-py:8.1.0',
      `redis-charts.local/app-ioredis:${IOREDIS_VERSION}`,
    ]);
    for (const s of APP_IMAGE_SPECS) {
      expect(s.config.user, s.name).to.match(/^[1-9]\d*:[1-9]\d*$/);
      const root = rootfsDir(tmp, s);
      expect(fs.existsSync(path.join(root, s.config.entrypoint[0]!)), `${s.name} ${s.config.entrypoint[0]}`).to.equal(true);
    }
    const go = rootfsDir(tmp, APP_IMAGE_SPECS[0]!);
    // Static: no loader, no libc.
    expect(fs.existsSync(path.join(go, 'lib64'))).to.equal(false);
    const py = rootfsDir(tmp, APP_IMAGE_SPECS[1]!);
    expect(fs.existsSync(path.join(py, 'app/lib/redis/sentinel.py'))).to.equal(true);
    expect(fs.existsSync(path.join(py, 'usr/lib/python3.11/test'))).to.equal(false);
    const node = rootfsDir(tmp, APP_IMAGE_SPECS[2]!);
    for (const dep of ['ioredis', '@ioredis/commands', 'cluster-key-slot', 'debug', 'ms', 'denque', 'redis-errors', 'standard-as-callback']) {
      expect(fs.existsSync(path.join(node, 'app/node_modules', dep, 'package.json')), dep).to.equal(true);
    }
  });

  it('records where every file came from: Debian packages, the pinned wheels, the npm lock, the Go module', () => {
    const listing = (name: string) => fs.readFileSync(path.join(tmp, name, 'files.tsv'), 'utf8');
    expect(listing('app-go-redis')).to.match(/^\/app\/writer\t\S+\tbuilt from clients\/go-redis with go version go1\.\d+/m);
    expect(listing('app-redis-py')).to.match(/^\/app\/lib\/redis\/sentinel\.py\t\S+\tPyPI redis==8\.1\.0 sha256:[0-9a-f]{64} redis\/sentinel\.py$/m);
    expect(listing('app-redis-py')).to.match(/^\/usr\/lib\/python3\.11\/socket\.py\t\S+\tlibpython3\.11-minimal /m);
    expect(listing('app-ioredis')).to.match(new RegExp(`^/app/node_modules/ioredis/package\\.json\\t\\S+\\tnpm ioredis@${IOREDIS_VERSION.replace(/\./g, '\\.')}$`, 'm'));
  });

  it('runs each probe from its rootfs through a Sentinel failover: a RESULT with nothing acknowledged lost', async function () {
    if (!isRoot) this.skip();
    setup = await startHostSentinel();
    const s = setup;
    const writers = APP_IMAGE_SPECS.map((spec) => {
      const prefix = `img-${spec.name}`;
      const { argv, env } = inImage(rootfsDir(tmp, spec), spec.config.user, spec.config.entrypoint, spec.config.env, {
        MODE: 'sentinel', SENTINELS: s.sentinels, MASTER_SET: s.masterSet, PASSWORD: s.password, PREFIX: prefix, DURATION_MS: '10000',
      });
      const w = startWriterProcess(argv, env);
      running.push(w);
      return { spec, prefix, w };
    });
    await Promise.all(writers.map((x) => x.w.ready));
    await sleep(300);
    const oldPort = await s.masterPort();
    const killedAt = await s.killMaster();
    const reader = s.client(await s.waitForFailover(oldPort));
    try {
      for (const { spec, prefix, w } of writers) {
        const r = await w.result();
        const rto = clientRtoMs(r, killedAt);
        console.log(`      [image] ${spec.name} rtoMs=${rto} acknowledged=${r.acked.length} failed=${r.failed}`);
        expect(rto, spec.name).to.be.a('number').and.below(10_000);
        expect(await missingAcked(reader, prefix, r.acked), spec.name).to.deep.equal([]);
      }
    } finally {
      reader.disconnect();
    }
  });

  it('gives the image user nothing to write outside /tmp', async function () {
    if (!isRoot) this.skip();
    for (const spec of APP_IMAGE_SPECS) {
      const stdout = await runChecked('find', [rootfsDir(tmp, spec), '-perm', '-o+w', '-not', '-type', 'l']);
      expect(stdout.trim().split('\n').map((p) => path.relative(rootfsDir(tmp, spec), p)), spec.name).to.deep.equal(['tmp']);
    }
  });
});
