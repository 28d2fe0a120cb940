// TLS end to end on this machine: the chart's own start scripts, probes and backup dump, with the redis.conf TLS lines
// the chart renders, on the host's redis-server and redis-sentinel (Debian's 7.0, built with TLS), with certificates
// made here. The pods' names resolve as cluster DNS resolves them (a private /etc/hosts, ScriptedNodes `names`), so
// Sentinel reaches the replica by the name it announces, as in the cluster.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { run } from '../../toolchain/run.ts';
import { ScriptedNodes, type ClientTls } from '../passwords/support/redis-nodes.ts';
import { hostScripts } from '../passwords/support/host-scripts.ts';
import { waitFor } from '../support/processes.ts';
import { fileSerial, makeCa, makeCert, servedSerial, type Ca } from './support/certs.ts';
import { renderedServerTlsConf } from './support/render.ts';

const PASSWORD = 'tls-test pw';
const MASTER = '127.0.0.1';
const REPLICA = '127.0.0.2';
const SANS = { dns: ['localhost', '*.headless.ns.svc.cluster.local'], ips: ['127.0.0.1', '127.0.0.2'] };

/** Rejects, or resolves with the message of the error it rejected with. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    const reply = await p;
    return expect.fail(`expected a refusal, got ${JSON.stringify(reply)}`);
  } catch (e) {
    return (e as Error).message;
  }
}

/** redis-cli on this machine; resolves with its output and exit code. */
async function redisCli(args: string[]): Promise<{ code: number; out: string }> {
  const r = await run('timeout', ['5', 'redis-cli', '--no-auth-warning', ...args], { env: { PATH: process.env.PATH, REDISCLI_AUTH: PASSWORD } });
  return { code: r.code, out: `${r.stdout}${r.stderr}`.trim() };
}

const field = (info: unknown, name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(String(info))?.[1]?.trim();

/** A chart script run once as a pod (or hook) would run it, with the nodes' environment of pod `pod`. */
async function script(nodes: ScriptedNodes, file: string, pod: string, args: string[] = [], extra: Record<string, string> = {}) {
  const r = await run('sh', [file, ...args], { env: nodes.env(pod, extra), timeout: 60_000 });
  return { code: r.code, out: `${r.stdout}${r.stderr}` };
}

/** A Job's view: the scripts under `dir`, with the password and the client's files of the TLS Secret. */
function jobDir(nodes: ScriptedNodes, dir: string, tls: ClientTls) {
  const scripts = hostScripts(dir);
  fs.copyFileSync(path.join(nodes.dir, 'password'), path.join(dir, 'password'));
  fs.mkdirSync(path.join(dir, 'tls'));
  fs.copyFileSync(tls.ca, path.join(dir, 'tls', 'ca.crt'));
  if (tls.cert) {
    fs.copyFileSync(tls.cert, path.join(dir, 'tls', 'tls.crt'));
    fs.copyFileSync(tls.key!, path.join(dir, 'tls', 'tls.key'));
  }
  return scripts;
}

/**
 * A CA and the release's certificate from it (the Secret's files, in `dir`/secret), another CA, and a master, a replica
 * and a sentinel serving TLS with `authClients` as the chart renders it. A start that fails stops what it started.
 */
async function startTlsNodes(dir: string, authClients: 'no' | 'yes'): Promise<{ nodes: ScriptedNodes; certs: string; other: Ca }> {
  const ca = makeCa(path.join(dir, 'ca'), 'test-ca');
  const certs = makeCert(path.join(dir, 'secret'), ca, 'cache-redis', SANS);
  const other = makeCa(path.join(dir, 'other-ca'), 'other-ca');
  const nodes = new ScriptedNodes(PASSWORD, { tls: { certs, serverConf: await renderedServerTlsConf(authClients), authClients }, names: true });
  try {
    await nodes.start({ replica: true, sentinel: true, sentinelEnv: { INFO_PERIOD_MS: '1000' } });
  } catch (e) {
    const logs = `${nodes.log('db-0')}\n${nodes.log('db-1')}\n${nodes.log('sentinel')}`;
    await nodes.stop();
    expect.fail(`${(e as Error).message}\n${logs}`);
  }
  return { nodes, certs, other };
}

describe('TLS with the chart scripts on real redis-server and redis-sentinel (loopback)', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-tls-'));
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  describe('authClients no (the default): a master, a replica and a sentinel', () => {
    let nodes: ScriptedNodes;
    let certs: string;
    let foreign: ClientTls;
    before(async function () {
      this.timeout(120_000);
      let other: Ca;
      ({ nodes, certs, other } = await startTlsNodes(path.join(work, 'no'), 'no'));
      foreign = { ca: other.crt };
    });
    after(() => nodes?.stop());

    it('the rendered redis.conf serves TLS only: port 0, tls-port on the Redis port, tls-replication, tls-auth-clients no', async () => {
      expect(await renderedServerTlsConf('no')).to.deep.equal([
        'port 0', 'tls-port 6379', 'tls-cert-file /etc/redis-tls/tls.crt', 'tls-key-file /etc/redis-tls/tls.key',
        'tls-ca-cert-file /etc/redis-tls/ca.crt', 'tls-auth-clients no', 'tls-replication yes',
      ]);
    });

    it('a client that trusts the CA gets PONG from the master, the replica and the sentinel', async () => {
      for (const host of [MASTER, REPLICA]) expect(await nodes.call(host, nodes.redisPort, 'admin', 'PING'), host).to.equal('PONG');
      expect(await nodes.call(MASTER, nodes.sentinelPort, undefined, 'PING')).to.equal('PONG');
      const cli = await redisCli(['--tls', '--cacert', `${certs}/ca.crt`, '-h', MASTER, '-p', String(nodes.redisPort), 'PING']);
      expect(cli).to.deep.equal({ code: 0, out: 'PONG' });
    });

    it('a plaintext client is refused by the data nodes and the sentinel', async () => {
      for (const port of [nodes.redisPort, nodes.sentinelPort]) {
        await refusal(nodes.callWith(null, MASTER, port, undefined, 'PING'));
        const cli = await redisCli(['-h', MASTER, '-p', String(port), 'PING']);
        expect(cli.code, cli.out).to.not.equal(0);
        expect(cli.out).to.not.include('PONG');
      }
    });

    it('a client that does not trust the CA is refused: the server certificate is verified', async () => {
      expect(await refusal(nodes.callWith(foreign, MASTER, nodes.redisPort, 'admin', 'PING'))).to.match(/certificate|verify/i);
      const cli = await redisCli(['--tls', '--cacert', foreign.ca, '-h', MASTER, '-p', String(nodes.redisPort), 'PING']);
      expect(cli.code).to.not.equal(0);
      expect(cli.out).to.match(/certificate verify failed/);
    });

    it('the replica replicates from the master over TLS (the master has no plaintext port)', async () => {
      await waitFor('master_link_status:up', async () => field(await nodes.call(REPLICA, nodes.redisPort, 'admin', 'INFO', 'replication'), 'master_link_status') === 'up', 30_000)
        .catch((e: Error) => expect.fail(`${e.message}\n${nodes.log('db-1')}`));
      await nodes.call(MASTER, nodes.redisPort, undefined, 'SET', 'tls-key', 'over tls');
      await waitFor('the write to reach the replica', async () => (await nodes.call(REPLICA, nodes.redisPort, 'admin', 'GET', 'tls-key')) === 'over tls');
      expect(await nodes.call(MASTER, nodes.redisPort, 'admin', 'CONFIG', 'GET', 'port')).to.deep.equal(['port', '0']);
    });

    it('the sentinel monitors the master and reaches the replica by its announced name, over TLS', async () => {
      await waitFor('the sentinel to see the replica up with its master link ok', async () => {
        const replicas = (await nodes.call(MASTER, nodes.sentinelPort, undefined, 'SENTINEL', 'REPLICAS', 'mymaster')) as string[][];
        return replicas.some((r) => r[r.indexOf('name') + 1] === `${ScriptedNodes.fqdn('db-1')}:${nodes.redisPort}`
          && r[r.indexOf('flags') + 1] === 'slave' && r[r.indexOf('master-link-status') + 1] === 'ok');
      }, 30_000).catch((e: Error) => expect.fail(`${e.message}\n${nodes.log('sentinel')}`));
      const master = (await nodes.call(MASTER, nodes.sentinelPort, undefined, 'SENTINEL', 'MASTER', 'mymaster')) as string[];
      expect(master[master.indexOf('flags') + 1]).to.equal('master');
    });

    it('the probes pass through lib.sh\'s redis_cli, which adds the TLS arguments', async () => {
      for (const [node, pod] of [[0, 'db-0'], [1, 'db-1']] as const) {
        for (const probe of ['liveness', 'readiness']) {
          const r = await script(nodes, path.join(nodes.nodeDir(node), 'server-probe.sh'), pod, [probe]);
          expect(r, `${pod} ${probe}`).to.deep.include({ code: 0 });
        }
      }
      const r = await script(nodes, path.join(nodes.nodeDir('sentinel'), 'sentinel-probe.sh'), 'sentinel-0', ['liveness']);
      expect(r).to.deep.include({ code: 0 });
      // Without the TLS environment the same probe cannot talk to the node: the arguments come from there.
      const plain = await script(nodes, path.join(nodes.nodeDir(0), 'server-probe.sh'), 'db-0', ['liveness'], { TLS_ENABLED: 'false' });
      expect(plain.code, plain.out).to.equal(1);
    });

    it('a backup dump streams a verified RDB over TLS', async () => {
      const dir = path.join(work, 'no', 'backup');
      const scripts = jobDir(nodes, dir, { ca: path.join(certs, 'ca.crt') });
      const r = await script(nodes, scripts.backupDump, 'backup-0', [], {
        SCRIPTS_DIR: dir, BACKUP_WORK_DIR: path.join(dir, 'work'), CHECK_RDB_BIN: 'redis-check-rdb', ENGINE: 'redis', HEADLESS_SERVICE: 'headless',
      });
      expect(r.code, r.out).to.equal(0);
      const name = fs.readFileSync(path.join(dir, 'work', 'name'), 'utf8').trim();
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'work', `${name}.json`), 'utf8')) as { keys: number; source: { role: string } };
      expect(manifest.keys).to.be.at.least(1);
      expect(manifest.source.role).to.equal('replica');
    });

    it('a renewed certificate in the mounted files is loaded by the next readiness probe, without a restart', async () => {
      const ca = { crt: path.join(work, 'no', 'ca', 'ca.crt'), key: path.join(work, 'no', 'ca', 'ca.key') };
      const renewed = makeCert(path.join(work, 'no', 'renewed'), ca, 'cache-redis', SANS);
      const pid = fs.readFileSync(path.join(nodes.nodeDir(0), 'server.pid'), 'utf8').trim();
      expect(servedSerial(MASTER, nodes.redisPort, `${certs}/ca.crt`)).to.equal(fileSerial(`${certs}/tls.crt`));
      // What the kubelet does when the Secret changes: the mounted files change in place.
      for (const f of ['tls.crt', 'tls.key']) fs.copyFileSync(path.join(renewed, f), path.join(nodes.nodeDir(0), 'tls', f));
      const r = await script(nodes, path.join(nodes.nodeDir(0), 'server-probe.sh'), 'db-0', ['readiness']);
      expect(r.code, r.out).to.equal(0);
      expect(servedSerial(MASTER, nodes.redisPort, `${certs}/ca.crt`)).to.equal(fileSerial(`${renewed}/tls.crt`));
      expect(nodes.log('db-0')).to.include('loaded the renewed certificate from the Secret');
      expect(fs.readFileSync(path.join(nodes.nodeDir(0), 'server.pid'), 'utf8').trim()).to.equal(pid);
      // Loaded once: the next probe finds nothing new.
      await script(nodes, path.join(nodes.nodeDir(0), 'server-probe.sh'), 'db-0', ['readiness']);
      expect(nodes.log('db-0').split('loaded the renewed certificate').length).to.equal(2);
    });

    it('a forced failover (SENTINEL FAILOVER) completes over TLS: the replica is master, the old master replicates from it', async () => {
      expect(await nodes.call(MASTER, nodes.sentinelPort, undefined, 'SENTINEL', 'FAILOVER', 'mymaster')).to.equal('OK');
      const newMaster = ScriptedNodes.fqdn('db-1');
      await waitFor('the sentinel to name db-1 master', async () => {
        const addr = (await nodes.call(MASTER, nodes.sentinelPort, undefined, 'SENTINEL', 'get-master-addr-by-name', 'mymaster')) as string[];
        return addr[0] === newMaster;
      }, 30_000).catch((e: Error) => expect.fail(`${e.message}\n${nodes.log('sentinel')}`));
      expect(field(await nodes.call(REPLICA, nodes.redisPort, 'admin', 'INFO', 'replication'), 'role')).to.equal('master');
      await waitFor('db-0 to replicate from db-1', async () => {
        const info = await nodes.call(MASTER, nodes.redisPort, 'admin', 'INFO', 'replication');
        return field(info, 'role') === 'slave' && field(info, 'master_host') === newMaster && field(info, 'master_link_status') === 'up';
      }, 30_000).catch((e: Error) => expect.fail(`${e.message}\n${nodes.log('db-0')}\n${nodes.log('sentinel')}`));
      await nodes.call(REPLICA, nodes.redisPort, undefined, 'SET', 'after-failover', '1');
      await waitFor('the write to reach the old master', async () => (await nodes.call(MASTER, nodes.redisPort, 'admin', 'GET', 'after-failover')) === '1');
    });
  });

  describe('authClients yes: every client presents a certificate signed by the CA', () => {
    let nodes: ScriptedNodes;
    let certs: string;
    let otherClient: ClientTls;
    before(async function () {
      this.timeout(120_000);
      let other: Ca;
      ({ nodes, certs, other } = await startTlsNodes(path.join(work, 'yes'), 'yes'));
      const otherDir = makeCert(path.join(work, 'yes', 'other-client'), other, 'intruder', { dns: ['intruder'], ips: [] });
      otherClient = { ca: `${certs}/ca.crt`, cert: `${otherDir}/tls.crt`, key: `${otherDir}/tls.key` };
    });
    after(() => nodes?.stop());

    it('renders tls-auth-clients yes', async () => {
      expect(await renderedServerTlsConf('yes')).to.include('tls-auth-clients yes');
    });

    it('a client with a certificate from the CA gets PONG; without one, or with one from another CA, it is refused', async () => {
      expect(await nodes.call(MASTER, nodes.redisPort, 'admin', 'PING')).to.equal('PONG');
      expect(await nodes.call(MASTER, nodes.sentinelPort, undefined, 'PING')).to.equal('PONG');
      for (const port of [nodes.redisPort, nodes.sentinelPort]) {
        await refusal(nodes.callWith({ ca: `${certs}/ca.crt` }, MASTER, port, undefined, 'PING'));
        await refusal(nodes.callWith(otherClient, MASTER, port, undefined, 'PING'));
      }
      const bare = await redisCli(['--tls', '--cacert', `${certs}/ca.crt`, '-h', MASTER, '-p', String(nodes.redisPort), 'PING']);
      expect(bare.code).to.not.equal(0);
    });

    it('the replica (presenting the Secret\'s certificate) replicates, and the sentinel reaches both nodes', async () => {
      await waitFor('master_link_status:up', async () => field(await nodes.call(REPLICA, nodes.redisPort, 'admin', 'INFO', 'replication'), 'master_link_status') === 'up', 30_000)
        .catch((e: Error) => expect.fail(`${e.message}\n${nodes.log('db-1')}`));
      await waitFor('the sentinel to see the replica with its master link ok', async () => {
        const replicas = (await nodes.call(MASTER, nodes.sentinelPort, undefined, 'SENTINEL', 'REPLICAS', 'mymaster')) as string[][];
        return replicas.some((r) => r[r.indexOf('flags') + 1] === 'slave' && r[r.indexOf('master-link-status') + 1] === 'ok');
      }, 30_000).catch((e: Error) => expect.fail(`${e.message}\n${nodes.log('sentinel')}`));
    });

    it('the scripts present the certificate: probes and a backup dump work, and fail without TLS_CLIENT_CERT', async () => {
      const probe = path.join(nodes.nodeDir(1), 'server-probe.sh');
      expect(await script(nodes, probe, 'db-1', ['readiness'])).to.deep.include({ code: 0 });
      const without = await script(nodes, probe, 'db-1', ['liveness'], { TLS_CLIENT_CERT: 'false' });
      expect(without.code, without.out).to.equal(1);
      const dir = path.join(work, 'yes', 'backup');
      const scripts = jobDir(nodes, dir, { ca: `${certs}/ca.crt`, cert: `${certs}/tls.crt`, key: `${certs}/tls.key` });
      const r = await script(nodes, scripts.backupDump, 'backup-0', [], {
        SCRIPTS_DIR: dir, BACKUP_WORK_DIR: path.join(dir, 'work'), CHECK_RDB_BIN: 'redis-check-rdb', ENGINE: 'redis',
      });
      expect(r.code, r.out).to.equal(0);
    });
  });
});
