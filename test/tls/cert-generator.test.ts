// The tls-init hook's generate step (files/hooks/tls-init.sh) as the rendered Job runs it (its script and environment),
// on this machine's openssl, under dash and busybox sh (the alpine/openssl image's shell): the Secret it writes holds a
// CA and a server certificate that verify, cover every pod and Service name, serve real TLS, and a second run keeps them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { PROFILES_DIR } from '../../generator/paths.ts';
import { run } from '../../toolchain/run.ts';
import { requireCommand } from '../../toolchain/tools.ts';
import { freePort } from '../observability/support/local-redis.ts';
import { allContainers, podTemplates } from '../support/manifests.ts';
import { Processes, waitFor } from '../support/processes.ts';
import { renderChart } from './support/render.ts';

const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((f) => fs.existsSync(f));
const SHELLS: [string, string[]][] = [['dash', ['sh']], ...(BUSYBOX ? [['busybox sh', [BUSYBOX, 'sh']] as [string, string[]]] : [])];

interface SecretManifest {
  apiVersion: string;
  kind: string;
  type: string;
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  data: Record<string, string>;
}

const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('the generated certificate (tls-init.sh, as the rendered hook Job runs it)', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-tls-gen-'));
  let script: string;
  let jobEnv: Record<string, string>;
  /** Every openssl command line the script ran, through a wrapper first in PATH. */
  const argvLog = path.join(work, 'openssl-argv.log');
  const bin = path.join(work, 'bin');

  before(async () => {
    requireCommand('openssl', 'openssl');
    const objects = await renderChart(4, 'redis', ['global.tls.enabled=true'], ['-f', path.join(PROFILES_DIR, 'ha-production.yaml')]);
    const job = podTemplates(objects).find((t) => t.owner === 'Job/cache-redis-secrets-init');
    const generate = job && allContainers(job.spec).find((c) => c.name === 'generate-tls');
    if (!generate) throw new Error('no secrets-init Job with a generate-tls container was rendered');
    expect(generate.command).to.deep.equal(['sh', '-c']);
    script = generate.args![0]!;
    jobEnv = Object.fromEntries((generate.env ?? []).map((e) => [e.name, e.value!]));
    fs.mkdirSync(bin);
    const real = execFileSync('sh', ['-c', 'command -v openssl'], { encoding: 'utf8' }).trim();
    fs.writeFileSync(path.join(bin, 'openssl'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  /** One run of the step: the Secret manifest it wrote, what it printed, what it left in its work directory. */
  async function generate(shell: string[], current: string, workDir: string) {
    fs.mkdirSync(workDir, { recursive: true });
    const { stdout, stderr, code } = await run(shell[0]!, [...shell.slice(1), '-c', script], {
      env: { ...jobEnv, PATH: `${bin}:${process.env.PATH}`, HOME: workDir, WORK_DIR: workDir, CURRENT_DIR: current }, timeout: 60_000,
    });
    expect(code, `${stdout}${stderr}`).to.equal(0);
    const manifest = parse(fs.readFileSync(path.join(workDir, 'tls.yaml'), 'utf8')) as SecretManifest;
    return { manifest, output: `${stdout}${stderr}`, left: fs.readdirSync(workDir).sort() };
  }

  /** The Secret's data as the files a pod mounts. */
  function mount(manifest: SecretManifest, dir: string): string {
    fs.mkdirSync(dir, { recursive: true });
    for (const [key, value] of Object.entries(manifest.data)) fs.writeFileSync(path.join(dir, key), Buffer.from(value, 'base64'));
    return dir;
  }

  for (const [name, shell] of SHELLS) {
    describe(`under ${name}`, () => {
      const dir = path.join(work, name.replace(' ', '-'));
      let first: Awaited<ReturnType<typeof generate>>;
      let files: string;
      before(async function () {
        this.timeout(60_000);
        fs.rmSync(argvLog, { force: true });
        first = await generate(shell, path.join(dir, 'absent'), path.join(dir, 'work-1'));
        files = mount(first.manifest, path.join(dir, 'secret'));
      });

      it('writes the TLS Secret: kubernetes.io/tls, kept on uninstall, with tls.crt, tls.key and ca.crt', () => {
        const m = first.manifest;
        expect([m.apiVersion, m.kind, m.type, m.metadata.name]).to.deep.equal(['v1', 'Secret', 'kubernetes.io/tls', 'cache-redis-tls']);
        expect(m.metadata.annotations).to.deep.equal({ 'helm.sh/resource-policy': 'keep' });
        expect(m.metadata.labels['app.kubernetes.io/instance']).to.equal('cache');
        expect(Object.keys(m.data).sort()).to.deep.equal(['ca.crt', 'tls.crt', 'tls.key']);
        expect(first.output).to.match(/creating Secret cache-redis-tls: a new CA and subject=CN ?= ?cache-redis/);
      });

      it('the server certificate verifies against the CA, for every pod, Service and localhost, as server and client', () => {
        const verify = (...args: string[]) => openssl('verify', '-CAfile', `${files}/ca.crt`, ...args, `${files}/tls.crt`).trim();
        expect(verify()).to.equal(`${files}/tls.crt: OK`);
        expect(verify('-purpose', 'sslserver')).to.equal(`${files}/tls.crt: OK`);
        expect(verify('-purpose', 'sslclient')).to.equal(`${files}/tls.crt: OK`);
        for (const host of ['cache-redis-2.cache-redis-headless.redis.svc.cluster.local', 'cache-sentinel-0.cache-sentinel-headless.redis.svc.cluster.local',
          'cache-redis-master', 'cache-redis-master.redis.svc.cluster.local', 'cache-redis-read.redis', 'cache-sentinel.redis.svc', 'localhost']) {
          expect(verify('-verify_hostname', host), host).to.equal(`${files}/tls.crt: OK`);
        }
        expect(verify('-verify_ip', '127.0.0.1')).to.equal(`${files}/tls.crt: OK`);
        // And the check can fail: a name outside the release.
        expect(() => verify('-verify_hostname', 'other-redis-master.redis.svc.cluster.local')).to.throw();
      });

      it('the CA is a CA and the key is the certificate\'s, valid for validityDays (3650)', () => {
        expect(openssl('x509', '-noout', '-ext', 'basicConstraints', '-in', `${files}/ca.crt`)).to.include('CA:TRUE');
        expect(openssl('x509', '-noout', '-ext', 'basicConstraints', '-in', `${files}/tls.crt`)).to.include('CA:FALSE');
        expect(openssl('x509', '-noout', '-pubkey', '-in', `${files}/tls.crt`)).to.equal(openssl('pkey', '-pubout', '-in', `${files}/tls.key`));
        const notAfter = new Date(openssl('x509', '-noout', '-enddate', '-in', `${files}/tls.crt`).trim().replace(/^notAfter=/, ''));
        const days = (notAfter.getTime() - Date.now()) / 86_400_000;
        expect(days).to.be.within(3649, 3651);
      });

      it('no key reaches a command line, and none stays in the work directory but in the manifest', () => {
        const argv = fs.readFileSync(argvLog, 'utf8');
        expect(argv).to.not.match(/PRIVATE KEY/);
        const key = first.manifest.data['tls.key']!;
        for (let i = 0; i + 40 <= key.length; i += 40) expect(argv).to.not.include(key.slice(i, i + 40));
        expect(argv).to.include('-keyout');
        expect(first.left).to.deep.equal(['ca.crt', 'tls.crt', 'tls.yaml']);
      });

      it('a second run keeps what the Secret has (the same certificate, key and CA)', async () => {
        const second = await generate(shell, files, path.join(dir, 'work-2'));
        expect(second.manifest).to.deep.equal(first.manifest);
        expect(second.output).to.match(/^keeping the certificate of Secret cache-redis-tls/);
      });

      it('a real redis-server serves TLS with it: a client that trusts the CA gets PONG', async function () {
        this.timeout(30_000);
        requireCommand('redis-server', 'redis-server');
        const port = await freePort();
        const procs = new Processes();
        try {
          procs.start(['redis-server', '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir,
            '--tls-cert-file', `${files}/tls.crt`, '--tls-key-file', `${files}/tls.key`, '--tls-ca-cert-file', `${files}/ca.crt`, '--tls-auth-clients', 'no'],
          { PATH: process.env.PATH ?? '/usr/bin:/bin' }, path.join(dir, 'redis.log'));
          const ping = async () => (await run('redis-cli', ['--tls', '--cacert', `${files}/ca.crt`, '-h', '127.0.0.1', '-p', String(port), 'PING'], { timeout: 5000 })).stdout.trim();
          await waitFor('PONG over TLS', async () => (await ping()) === 'PONG', 10_000);
          // The server certificate, as a client that checks the name sees it.
          const sClient = execFileSync('sh', ['-c', `openssl s_client -connect 127.0.0.1:${port} -CAfile '${files}/ca.crt' -verify_ip 127.0.0.1 -verify_return_error </dev/null 2>&1`], { encoding: 'utf8', timeout: 10_000 });
          expect(sClient).to.match(/Verify return code: 0 \(ok\)/);
        } finally {
          await procs.killAll();
        }
      });
    });
  }
});
