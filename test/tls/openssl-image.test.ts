// The local cluster's image for the TLS hook (cluster/local/images/specs.ts `openssl`: Debian's openssl on busybox),
// built into a temporary directory, runs the rendered hook's generate step in its root filesystem (chroot, as the
// pods' user 999), as the hook Job would run it on the local cluster. Nothing is loaded into a cluster.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { buildImages, rootfsDir } from '../../cluster/local/images/index.ts';
import { localImageValues } from '../../cli/local-images.ts';
import { PROFILES_DIR } from '../../generator/paths.ts';
import { runChecked } from '../../toolchain/run.ts';
import { allContainers, podTemplates } from '../support/manifests.ts';
import { renderChart } from './support/render.ts';

const isRoot = process.getuid?.() === 0;

describe('the local openssl image runs the TLS hook\'s generate step', function () {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-openssl-image-'));
  let root: string;
  let image: string;
  before(async function () {
    this.timeout(120_000);
    if (!isRoot) this.skip();
    const built = await buildImages({ outDir: out, only: ['openssl'] });
    image = built[0]!.name;
    root = rootfsDir(out, { name: 'openssl' });
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('is tagged from Debian\'s openssl package, and the local values point the hook at it', () => {
    expect(image).to.match(/^redis-charts\.local\/openssl:3\.\d+\.\d+-debian12$/);
    const values = localImageValues([
      ...['redis', 'valkey', 'haproxy', 'rclone', 'redis_exporter'].map((n) => ({ name: `redis-charts.local/${n}:x`, spec: n, tarball: '', digest: '' })),
      { name: 'redis-charts.local/registry.k8s.io/kubectl:x', spec: 'kubectl', tarball: '', digest: '' },
      { name: image, spec: 'openssl', tarball: '', digest: '' },
    ]) as { global: { tls: { generated: { image: { repository: string; tag: string } } } } };
    expect(values.global.tls.generated.image).to.deep.equal({ repository: 'openssl', tag: image.split(':')[1] });
  });

  it('writes a Secret whose certificate verifies, as uid 999 (which may write only /work, the pod\'s emptyDir)', async function () {
    this.timeout(60_000);
    const objects = await renderChart(4, 'redis', ['global.tls.enabled=true'], ['-f', path.join(PROFILES_DIR, 'ha-production.yaml')]);
    const job = podTemplates(objects).find((t) => t.owner === 'Job/cache-redis-secrets-init')!;
    const generate = allContainers(job.spec).find((c) => c.name === 'generate-tls')!;
    const env = (generate.env ?? []).map((e) => `${e.name}=${e.value}`);
    // The pod's volumes: /work (an emptyDir the pod's group may write) and the optional Secret mount, absent here.
    fs.mkdirSync(path.join(root, 'work'), { recursive: true });
    fs.chownSync(path.join(root, 'work'), 999, 999);
    const script = path.join(out, 'generate.sh');
    fs.writeFileSync(script, generate.args![0]!);
    fs.copyFileSync(script, path.join(root, 'work', 'generate.sh'));
    const stdout = await runChecked('unshare', ['--mount', '--pid', '--fork', `--mount-proc=${root}/proc`, '--', 'sh', '-c',
      'mount --rbind /dev "$0/dev" && exec chroot --userspec=999:999 "$0" env -i "$@"',
      root, 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...env, 'sh', '-c', fs.readFileSync(script, 'utf8')], { timeout: 60_000 });
    expect(stdout).to.match(/creating Secret cache-redis-tls: a new CA/);
    const manifest = parse(fs.readFileSync(path.join(root, 'work', 'tls.yaml'), 'utf8')) as { data: Record<string, string> };
    const files = path.join(out, 'secret');
    fs.mkdirSync(files);
    for (const [k, v] of Object.entries(manifest.data)) fs.writeFileSync(path.join(files, k), Buffer.from(v, 'base64'));
    const verified = await runChecked('openssl', ['verify', '-CAfile', `${files}/ca.crt`, '-verify_hostname', 'cache-redis-1.cache-redis-headless.redis.svc.cluster.local', `${files}/tls.crt`]);
    expect(verified.trim()).to.equal(`${files}/tls.crt: OK`);
  });
});
