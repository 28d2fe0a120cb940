// The components that connect to TLS data nodes, as the charts render them, on this machine: the master proxy (the
// host's HAProxy with the rendered haproxy.cfg, health-checking over TLS and passing clients through) and the exporter
// (Debian's redis_exporter with the rendered environment, scraping rediss:// targets), against a data node started by
// the chart's start script with TLS.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { PROFILES_DIR } from '../../generator/paths.ts';
import { requireCommand } from '../../toolchain/tools.ts';
import { freePort } from '../observability/support/local-redis.ts';
import { ScriptedNodes, type ClientTls } from '../passwords/support/redis-nodes.ts';
import { onLoopback, renderedProxyFiles } from '../passwords/support/proxy-config.ts';
import { allContainers, podTemplates } from '../support/manifests.ts';
import { Processes, waitFor } from '../support/processes.ts';
import { makeCa, makeCert } from './support/certs.ts';
import { renderChart, renderedServerTlsConf } from './support/render.ts';

const PASSWORD = 'proxy-tls-pw';
const HAPROXY_PATH = ['/usr/sbin', '/usr/local/sbin', process.env.PATH].join(':');
const SANS = { dns: ['localhost'], ips: ['127.0.0.1', '127.0.0.2'] };

for (const authClients of ['no', 'yes'] as const) {
  describe(`components connecting to TLS data nodes (authClients ${authClients}, real haproxy and redis_exporter)`, () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `redis-charts-tls-${authClients}-`));
    const procs = new Processes();
    let nodes: ScriptedNodes;
    let certs: string;
    let foreignCa: string;
    before(async function () {
      this.timeout(60_000);
      requireCommand('haproxy', 'haproxy');
      const ca = makeCa(path.join(work, 'ca'), 'test-ca');
      certs = makeCert(path.join(work, 'secret'), ca, 'cache-redis', SANS);
      foreignCa = makeCa(path.join(work, 'other-ca'), 'other-ca').crt;
      nodes = new ScriptedNodes(PASSWORD, { tls: { certs, serverConf: await renderedServerTlsConf(authClients), authClients } });
      await nodes.start({ replica: false, sentinel: false });
    });
    after(async () => {
      await procs.killAll();
      await nodes?.stop();
      fs.rmSync(work, { recursive: true, force: true });
    });

    describe('the master proxy', () => {
      let files: { config: string; script: string };
      let script: string;
      before(async () => {
        files = await renderedProxyFiles(['global.tls.enabled=true', `global.tls.authClients=${authClients}`]);
        script = path.join(work, 'master-proxy.sh');
        fs.writeFileSync(script, files.script);
      });

      /** The proxy with the rendered config on loopback and its Secret files (the CA `ca`) in its own directory. */
      async function proxy(name: string, ca: string, config = files.config): Promise<number> {
        const tlsDir = path.join(work, `proxy-${name}`);
        fs.mkdirSync(tlsDir);
        fs.copyFileSync(ca, path.join(tlsDir, 'ca.crt'));
        // As the Deployment mounts them: the certificate as client.pem, its key next to it as client.pem.key.
        fs.copyFileSync(path.join(certs, 'tls.crt'), path.join(tlsDir, 'client.pem'));
        fs.copyFileSync(path.join(certs, 'tls.key'), path.join(tlsDir, 'client.pem.key'));
        const ports = { listen: await freePort(), health: await freePort(), redis: nodes.redisPort };
        const file = path.join(work, `${name}.cfg`);
        fs.writeFileSync(file, onLoopback(config, ports).replaceAll('/etc/redis-tls', tlsDir));
        procs.start(['sh', script, '-db', '-f', file], { PATH: HAPROXY_PATH, REDIS_PASSWORD: PASSWORD }, path.join(work, `${name}.log`));
        return ports.listen;
      }
      /** PING through the proxy as a client with `tls` (null: plaintext); 'refused' when nothing answers. */
      const through = (port: number, tls: ClientTls | null = nodes.defaultClientTls()!) => nodes.callWith(tls, '127.0.0.1', port, undefined, 'PING').catch(() => 'refused');

      it('checks the data node over TLS (check-ssl, verify required, the CA) and passes a TLS client through to it', async () => {
        expect(files.config).to.match(/default-server check-ssl verify required ca-file \/etc\/redis-tls\/ca\.crt/);
        const port = await proxy('right', path.join(certs, 'ca.crt'));
        await waitFor('a PONG through the proxy', async () => (await through(port)) === 'PONG', 15_000)
          .catch((e: Error) => expect.fail(`${e.message}\n${fs.readFileSync(path.join(work, 'right.log'), 'utf8')}`));
        // End to end: the client's TLS session is with the data node, so a plaintext client gets nothing through.
        expect(await through(port, null)).to.equal('refused');
      });

      it('with a CA that did not sign the node\'s certificate, the check fails and nothing gets through (the check can fail)', async () => {
        const port = await proxy('foreign-ca', foreignCa);
        await sleep(2500);
        expect(await through(port)).to.equal('refused');
        expect(fs.readFileSync(path.join(work, 'foreign-ca.log'), 'utf8')).to.match(/SSL handshake failure|certificate/i);
      });

      if (authClients === 'yes') {
        it('presents the Secret\'s certificate (crt): without it the node refuses the check', async () => {
          expect(files.config).to.include(' crt /etc/redis-tls/client.pem');
          const port = await proxy('no-crt', path.join(certs, 'ca.crt'), files.config.replace(' crt /etc/redis-tls/client.pem', ''));
          await sleep(2500);
          expect(await through(port)).to.equal('refused');
        });
      }
    });

    describe('the exporter', () => {
      let env: Record<string, string>;
      let port: number;
      before(async function () {
        this.timeout(30_000);
        const exporter = requireCommand('prometheus-redis-exporter', 'prometheus-redis-exporter');
        // ACL users off: the local nodes have the release password's `admin` user (test/passwords/support/redis-nodes.ts).
        const objects = await renderChart(4, 'redis', ['global.auth.password=x', 'global.auth.acl.enabled=false', 'global.tls.enabled=true', `global.tls.authClients=${authClients}`],
          ['-f', path.join(PROFILES_DIR, 'ha-production.yaml')]);
        const t = podTemplates(objects).find((x) => x.owner === 'Deployment/cache-exporter')!;
        const c = allContainers(t.spec).find((x) => x.name === 'exporter')!;
        env = Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!.replaceAll('/etc/redis-tls', certs)]));
        port = await freePort();
        procs.start([exporter, `--web.listen-address=127.0.0.1:${port}`, '--connection-timeout=2s'],
          { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, REDIS_PASSWORD: PASSWORD }, path.join(work, 'exporter.log'));
        await waitFor('the exporter to listen', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 10_000);
      });
      const scrape = async (target: string) => (await fetch(`http://127.0.0.1:${port}/scrape?target=${encodeURIComponent(target)}`, { signal: AbortSignal.timeout(10_000) })).text();

      it('has the rendered TLS environment', () => {
        expect(env.REDIS_EXPORTER_TLS_CA_CERT_FILE).to.equal(`${certs}/ca.crt`);
        expect(env.REDIS_EXPORTER_TLS_CLIENT_CERT_FILE).to.equal(authClients === 'yes' ? `${certs}/tls.crt` : undefined);
      });

      it('scrapes a rediss:// target, verifying it with the CA; a plaintext target is down (the check can fail)', async () => {
        const metrics = await scrape(`rediss://127.0.0.1:${nodes.redisPort}`);
        expect(metrics).to.match(/^redis_up 1$/m);
        expect(metrics).to.match(/^redis_connected_clients \d+/m);
        expect(await scrape(`redis://127.0.0.1:${nodes.redisPort}`)).to.match(/^redis_up 0$/m);
      });
    });
  });
}
