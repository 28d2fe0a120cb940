import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { Release } from '../../cluster/driver.ts';
import { appUser, ask, authSecretRef, dataPods, password, REDIS_PORT, serviceNamed, tlsOptions } from '../support/ha.ts';
import { rejection } from '../support/rejection.ts';
import { rawCommand } from '../support/raw-command.ts';
import { profileFile, type Scenario } from './scenario.ts';

const QUIET = { exporter: { enabled: false }, alerts: { enabled: false }, backup: { enabled: false } };
const KEYS = 500;

/** An application client on the master Service, as the application user with the given password. */
async function appClient(release: Release, pw: string | undefined): Promise<Redis> {
  const ep = await release.endpoint({ service: serviceNamed(release, '-redis-master') }, REDIS_PORT);
  // A Service's endpoints follow a pod's readiness a moment later: commands wait through bounded reconnects (80 x
  // 250 ms) rather than fail on the second closed connection; after that the client gives up and commands fail.
  const client = new Redis({ host: ep.host, port: ep.port, username: appUser(release), password: pw, ...(await tlsOptions(release)), lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: null, retryStrategy: (n) => (n <= 80 ? 250 : null) });
  client.on('error', () => undefined);
  await client.connect().catch(() => undefined);
  return client;
}

async function writeKeys(client: Redis): Promise<void> {
  const pipe = client.pipeline();
  for (let i = 0; i < KEYS; i++) pipe.set(`ttl:${i}`, `v${i}`, 'EX', 3600).set(`keep:${i}`, `v${i}`);
  await pipe.exec();
}

async function expectKeys(client: Redis, label: string): Promise<void> {
  expect(await client.dbsize(), `${label}: key count`).to.equal(2 * KEYS);
  expect(await client.get(`keep:${KEYS - 1}`), label).to.equal(`v${KEYS - 1}`);
  const ttls = await Promise.all([0, KEYS / 2, KEYS - 1].map((i) => client.ttl(`ttl:${i}`)));
  for (const ttl of ttls) expect(ttl, `${label}: TTL kept`).to.be.within(3000, 3600);
  expect(await client.ttl('keep:0'), `${label}: no TTL added`).to.equal(-1);
}

async function withClient<T>(client: Redis, body: (c: Redis) => Promise<T>): Promise<T> {
  try {
    return await body(client);
  } finally {
    client.disconnect();
  }
}

export const scenarios: Scenario[] = [
  {
    name: 'dev: keys and TTLs written through ioredis survive a pod deletion and an uninstall that keeps the volume',
    profile: 'dev',
    async run(release, cluster) {
      const pw = await password(release);
      await withClient(await appClient(release, pw), async (c) => {
        await writeKeys(c);
        await expectKeys(c, 'written');
      });
      const [pod] = await dataPods(release);
      await release.deletePod(pod!.name, { graceful: true, wait: true });
      await withClient(await appClient(release, pw), (c) => expectKeys(c, 'after the pod was re-created'));
      await release.uninstall({ keepVolumes: true });
      const again = await cluster.install({ release: release.name, namespace: release.namespace, valuesFiles: [profileFile('dev')] });
      try {
        await withClient(await appClient(again, await password(again)), (c) => expectKeys(c, 'after uninstall and reinstall'));
      } finally {
        await again.uninstall({ keepVolumes: false });
      }
    },
  },
  {
    name: 'engine valkey: the same chart runs valkey-server binaries, and data round-trips',
    profile: 'dev',
    values: { global: { engine: 'valkey' } },
    async run(release) {
      const [pod] = await dataPods(release);
      const ps = await release.exec(pod!.name, 'redis', ['sh', '-c', 'echo "$SERVER_BIN $CLI_BIN"']);
      expect(ps.stdout.trim()).to.equal('valkey-server valkey-cli');
      await withClient(await appClient(release, await password(release)), async (c) => {
        await c.set('engine', 'valkey');
        expect(await c.get('engine')).to.equal('valkey');
      });
    },
  },
  {
    name: 'dev: no password and a wrong password are refused; the chart Secret\'s password works',
    profile: 'dev',
    async run(release) {
      const ep = await release.endpoint({ service: serviceNamed(release, '-redis-master') }, REDIS_PORT);
      expect(await rawCommand(ep.host, ep.port, 'PING'), 'PING without a password').to.match(/^-NOAUTH/);
      expect(await rawCommand(ep.host, ep.port, 'AUTH not-the-password'), 'a wrong password').to.match(/^-WRONGPASS/);
      await withClient(await appClient(release, await password(release)), async (c) => expect(await c.ping()).to.equal('PONG'));
    },
  },
  {
    name: 'exporter profile: FLUSHDB, FLUSHALL and CONFIG are refused for application clients',
    profile: 'exporter',
    values: QUIET,
    async run(release) {
      await withClient(await appClient(release, await password(release)), async (c) => {
        await c.set('kept', '1');
        for (const cmd of [['FLUSHDB'], ['FLUSHALL'], ['CONFIG', 'GET', 'maxmemory']]) {
          expect((await rejection(c.call(cmd[0]!, ...cmd.slice(1)), cmd.join(' '))).message, cmd.join(' ')).to.match(/NOPERM/);
        }
        expect(await c.get('kept')).to.equal('1');
      });
    },
  },
  {
    name: 'existingSecret: a release uses a password Secret it did not create',
    profile: 'dev',
    async run(release, cluster) {
      const secret = authSecretRef(release).name;
      const other = await cluster.install({
        release: `${release.name}-x`.slice(0, 30), namespace: release.namespace, valuesFiles: [profileFile('dev')],
        values: { global: { auth: { existingSecret: secret } } },
      });
      try {
        expect(other.manifests.filter((o) => o.kind === 'Secret' && /-redis-auth/.test(String(o.metadata.name))), 'Secrets rendered for the password').to.deep.equal([]);
        expect(authSecretRef(other).name).to.equal(secret);
        await withClient(await appClient(other, await password(release)), async (c) => expect(await c.ping()).to.equal('PONG'));
      } finally {
        await other.uninstall({ keepVolumes: false });
      }
    },
  },
  {
    name: 'replicated redis-server without Sentinel: pod 0 is master, the others replicate what is written',
    profile: 'dev',
    values: { global: { topology: { dataNodes: 3 } } },
    async run(release) {
      await withClient(await appClient(release, await password(release)), writeKeys);
      const pods = await dataPods(release);
      for (const p of pods) {
        const info = String(await ask(release, p.name, REDIS_PORT, 'INFO', 'replication'));
        if (p.name.endsWith('-0')) {
          expect(info, p.name).to.match(/role:master/).and.match(/connected_slaves:2/);
          continue;
        }
        expect(info, p.name).to.match(/role:slave/).and.match(/master_link_status:up/).and.match(new RegExp(`master_host:${pods[0]!.name}\\.`));
        const deadline = Date.now() + 10_000;
        while (Number(await ask(release, p.name, REDIS_PORT, 'DBSIZE')) < 2 * KEYS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        expect(Number(await ask(release, p.name, REDIS_PORT, 'DBSIZE')), `${p.name} has every key`).to.equal(2 * KEYS);
        expect(await ask(release, p.name, REDIS_PORT, 'GET', `keep:${KEYS - 1}`)).to.equal(`v${KEYS - 1}`);
      }
    },
  },
];
