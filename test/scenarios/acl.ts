import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { Release } from '../../cluster/driver.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { internalAuthSecretName, serverName } from '../../generator/charts/names.ts';
import { appUser, dataPods, MASTER_SET, password, REDIS_PORT, SENTINEL_PORT, sentinelPods, tlsOptions, waitForSingleMaster } from '../support/ha.ts';
import { HA_ONLY, SETTLED } from './ha.ts';
import type { Scenario } from './scenario.ts';
import { report } from './report.ts';

/** What a data pod answers when `user` logs in with `pw` and runs `command`: the reply, or the error's text. */
async function answerAs(release: Release, pod: string, user: string, pw: string, command: string[], port = REDIS_PORT): Promise<string> {
  const ep = await release.endpoint({ pod }, port);
  // RESP2 and no password in the options: ioredis then reports a refused AUTH instead of closing the connection.
  const c = new Redis({ host: ep.host, port: ep.port, ...(await tlsOptions(release)), lazyConnect: true, protocol: 2, enableReadyCheck: false, connectTimeout: 1000, commandTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.call('AUTH', user, pw);
    const reply = await c.call(command[0]!, ...command.slice(1));
    return Array.isArray(reply) ? reply.join(' ') : String(reply);
  } catch (e) {
    return (e as Error).message;
  } finally {
    c.disconnect();
  }
}

/** What answerAs returns when a command did not run: refused, or no answer. */
const NOT_RUN = /^(NOPERM|WRONGPASS|NOAUTH|ERR)|Connection is closed|timed out|ECONNREFUSED/;

/** For each of the charts' own users: commands its component runs, and commands it must not (README: ACL users). */
const RIGHTS: Record<string, { allowed: string[][]; forbidden: string[][] }> = {
  operator: { allowed: [['CONFIG', 'GET', 'maxmemory'], ['ACL', 'WHOAMI']], forbidden: [] },
  replication: { allowed: [['PING']], forbidden: [['INFO'], ['GET', 'acl:probe'], ['SET', 'acl:probe', 'x']] },
  sentinel: { allowed: [['INFO', 'replication'], ['ROLE']], forbidden: [['GET', 'acl:probe'], ['CONFIG', 'SET', 'maxmemory', '1'], ['FLUSHALL']] },
  exporter: { allowed: [['INFO', 'stats'], ['CONFIG', 'GET', 'maxmemory'], ['SLOWLOG', 'LEN']], forbidden: [['GET', 'acl:probe'], ['SET', 'acl:probe', 'x'], ['CONFIG', 'SET', 'maxmemory', '1']] },
  backup: { allowed: [['INFO', 'replication']], forbidden: [['GET', 'acl:probe'], ['SET', 'acl:probe', 'x'], ['CONFIG', 'GET', 'maxmemory']] },
  proxy: { allowed: [['INFO', 'replication'], ['PING']], forbidden: [['GET', 'acl:probe'], ['SET', 'acl:probe', 'x'], ['CONFIG', 'GET', 'maxmemory']] },
};

/** ha-production's ACL users, on the release the HA scenarios share (their failovers, probes and master proxy run as these users). */
export const scenarios: Scenario[] = [
  {
    name: 'ACL users (ha-production): the password opens only the application user (default and admin refuse it); each of the charts\' own users runs the commands its component needs and gets NOPERM for the rest, on the data nodes and (the exporter) on the sentinels',
    profile: 'ha-production',
    values: HA_ONLY,
    sharesRelease: SETTLED,
    timeoutMs: 120_000,
    async run(release) {
      const { master } = await waitForSingleMaster(release, { sentinels: 3 });
      const pw = await password(release);
      const app = appUser(release);
      expect(app, 'the application user').to.equal('app');
      const pods = (await dataPods(release)).map((p) => p.name);
      for (const pod of pods) {
        expect(await answerAs(release, pod, 'default', pw, ['PING']), `${pod}: default is off`).to.match(/WRONGPASS/);
        expect(await answerAs(release, pod, 'admin', pw, ['PING']), `${pod}: there is no admin user`).to.match(/WRONGPASS/);
      }
      expect(await answerAs(release, master, app, pw, ['SET', 'acl:probe', 'written by app']), 'the application user writes').to.equal('OK');
      expect(await answerAs(release, master, app, pw, ['GET', 'acl:probe'])).to.equal('written by app');

      const internal = await release.secret(internalAuthSecretName(release.name));
      expect(Object.keys(internal).filter((k) => !k.endsWith('.sha256')).sort()).to.deep.equal(Object.keys(RIGHTS).sort());
      for (const [user, { allowed, forbidden }] of Object.entries(RIGHTS)) {
        const own = internal[user]!;
        expect(await answerAs(release, master, user, pw, ['PING']), `${user} with the application password`).to.match(/WRONGPASS/);
        for (const command of allowed) {
          // Refused or not answered at all: a connection error must not count as allowed.
          expect(await answerAs(release, master, user, own, command), `${user}: ${command.join(' ')}`).to.not.match(NOT_RUN);
        }
        for (const command of forbidden) {
          expect(await answerAs(release, master, user, own, command), `${user}: ${command.join(' ')}`).to.match(/NOPERM/);
        }
      }
      // The exporter scrapes the sentinels as its own user too: it reads, it cannot steer a failover.
      const [sentinel] = (await sentinelPods(release)).map((p) => p.name);
      const asExporter = (command: string[]) => answerAs(release, sentinel!, 'exporter', internal['exporter']!, command, SENTINEL_PORT);
      expect(await asExporter(['SENTINEL', 'CKQUORUM', MASTER_SET]), 'exporter on a sentinel: CKQUORUM').to.match(/^OK/);
      expect(await asExporter(['SENTINEL', 'FAILOVER', MASTER_SET]), 'exporter on a sentinel: FAILOVER').to.match(/NOPERM/);
      expect(await asExporter(['SENTINEL', 'SET', MASTER_SET, 'quorum', '1']), 'exporter on a sentinel: SET').to.match(/NOPERM/);
    },
  },
];

const BILLING_SECRET = 'billing-redis';
const BILLING = { first: 'billing "one" #1', second: 'billing two $2' };
/** dev with ACL users and two further users: one with a generated password, one with its own Secret (two passwords). */
const WITH_USERS = {
  global: {
    auth: {
      acl: {
        enabled: true,
        users: [
          { name: 'reporting', rules: '~report:* +@read' },
          { name: 'billing', rules: '~bill:* +@all -@dangerous', existingSecret: BILLING_SECRET },
        ],
      },
    },
  },
};

/** Polls `check` every 2 s until it holds, for at most `ms` (the kubelet refreshes a mounted Secret within about a minute). */
async function eventually(what: string, ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await check()) return Date.now() - start;
    await sleep(2_000);
  }
  throw new Error(`${what}: not within ${ms / 1000} s`);
}

/** Further application users, on a standalone release (dev with ACL users on). */
export const userScenarios: Scenario[] = [
  {
    name: 'further ACL users: each logs in with its own password (generated, or from its Secret with two while a rotation lasts) and has only its rules; each has a connection Secret; a changed Secret reaches the server without a restart',
    profile: 'dev',
    values: WITH_USERS,
    secrets: () => [{ name: BILLING_SECRET, data: { password: BILLING.second, 'previous-password': BILLING.first } }],
    timeoutMs: 300_000,
    async run(release) {
      const [pod] = (await dataPods(release)).map((p) => p.name);
      const reporting = await release.secret(`${serverName(release.name)}-user-reporting`);
      expect(reporting['password'], 'a generated password').to.match(/^[A-Za-z0-9]{32}$/);
      for (const [user, pw] of [['reporting', reporting['password']!], ['billing', BILLING.first], ['billing', BILLING.second]] as const) {
        const url = new URL((await release.secret(`${serverName(release.name)}-connection-${user}`))['redis-url']!);
        expect(url.username, `${user}'s connection Secret`).to.equal(user);
        if (user === 'reporting' || pw === BILLING.second) expect(decodeURIComponent(url.password), `${user}'s connection Secret`).to.equal(pw);
        // Logged in: a NOPERM (reporting may not PING: +@read only) is past authentication; WRONGPASS is not.
        expect(await answerAs(release, pod!, user, pw, ['PING']), `${user} logs in with ${pw === BILLING.first ? 'the previous' : 'its'} password`).to.match(/^(PONG|NOPERM)/);
      }
      const reportingPw = reporting['password']!;
      expect(await answerAs(release, pod!, 'billing', BILLING.second, ['SET', 'bill:1', '10'])).to.equal('OK');
      expect(await answerAs(release, pod!, 'billing', BILLING.second, ['SET', 'report:1', 'x']), 'billing outside its keys').to.match(/NOPERM/);
      expect(await answerAs(release, pod!, 'billing', BILLING.second, ['FLUSHALL']), 'billing: -@dangerous').to.match(/NOPERM/);
      expect(await answerAs(release, pod!, 'reporting', reportingPw, ['GET', 'report:1']), 'reporting reads its keys').to.not.match(NOT_RUN);
      expect(await answerAs(release, pod!, 'reporting', reportingPw, ['SET', 'report:1', 'x']), 'reporting: read-only').to.match(/NOPERM/);
      expect(await answerAs(release, pod!, 'reporting', reportingPw, ['GET', 'bill:1']), 'reporting outside its keys').to.match(/NOPERM/);

      // The rotation's end: the Secret keeps only the new password; the old one stops opening the user, no restart.
      const restarts = (await dataPods(release)).map((p) => p.restarts);
      await release.applySecret({ name: BILLING_SECRET, data: { password: BILLING.second } });
      const ms = await eventually('the previous billing password refused', 150_000, async () => /WRONGPASS/.test(await answerAs(release, pod!, 'billing', BILLING.first, ['PING'])));
      expect(await answerAs(release, pod!, 'billing', BILLING.second, ['PING'])).to.equal('PONG');
      expect((await dataPods(release)).map((p) => p.restarts), 'no restart').to.deep.equal(restarts);
      report('further ACL users', { 'the previous password refused after the Secret changed (s)': (ms / 1000).toFixed(1) });
    },
  },
];
