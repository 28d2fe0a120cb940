import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { Release } from '../../cluster/driver.ts';
import { internalAuthSecretName } from '../../generator/charts/names.ts';
import { appUser, dataPods, password, REDIS_PORT, tlsOptions, waitForSingleMaster } from '../support/ha.ts';
import { HA_ONLY, SETTLED } from './ha.ts';
import type { Scenario } from './scenario.ts';

/** What a data pod answers when `user` logs in with `pw` and runs `command`: the reply, or the error's text. */
async function answerAs(release: Release, pod: string, user: string, pw: string, command: string[]): Promise<string> {
  const ep = await release.endpoint({ pod }, REDIS_PORT);
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
    name: 'ACL users (ha-production): the password opens only the application user (default and admin refuse it); each of the charts\' own users runs the commands its component needs and gets NOPERM for the rest',
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
          expect(await answerAs(release, master, user, own, command), `${user}: ${command.join(' ')}`).to.not.match(/NOPERM|WRONGPASS|NOAUTH/);
        }
        for (const command of forbidden) {
          expect(await answerAs(release, master, user, own, command), `${user}: ${command.join(' ')}`).to.match(/NOPERM/);
        }
      }
    },
  },
];
