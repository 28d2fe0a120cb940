import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { GENERATOR_DIR } from '../../generator/paths.ts';
import { NASTY_PASSWORDS, shown } from './nasty-passwords.ts';
import { ScriptedNodes } from './support/redis-nodes.ts';
import { waitFor } from '../support/processes.ts';

const LIB = path.join(GENERATOR_DIR, 'charts', 'shared', 'files', 'lib.sh');
const confQuote = (value: string) => execFileSync('sh', ['-c', '. "$0"; conf_quote "$1"', LIB, value], { encoding: 'utf8', env: { PATH: process.env.PATH } });

describe('conf_quote (lib.sh): one redis.conf argument', () => {
  it('double-quotes and escapes only backslash and double quote', () => {
    expect(confQuote('plain')).to.equal('"plain"');
    expect(confQuote('a "b" \\c')).to.equal('"a \\"b\\" \\\\c"');
    expect(confQuote("$HOME #x 'y'")).to.equal('"$HOME #x \'y\'"');
    expect(confQuote('\\x41')).to.equal('"\\\\x41"');
    expect(confQuote('')).to.equal('""');
  });
});

describe('passwords with special characters, set by the chart start scripts on real redis-server and redis-sentinel', () => {
  for (const password of NASTY_PASSWORDS) {
    describe(`password ${shown(password)}`, () => {
      const nodes = new ScriptedNodes(password);
      before(async function () {
        this.timeout(60_000);
        await nodes.start({ replica: true, sentinel: true });
      });
      after(() => nodes.stop());

      it('the default and admin users authenticate with the raw password on the master and the replica', async () => {
        for (const host of [nodes.masterIp, nodes.replicaIp]) {
          expect(await nodes.call(host, nodes.redisPort, undefined, 'PING'), `default@${host}`).to.equal('PONG');
          expect(await nodes.call(host, nodes.redisPort, 'admin', 'PING'), `admin@${host}`).to.equal('PONG');
        }
      });

      it('a wrong password is refused (the check can fail)', async () => {
        const cli = (pw: string) => execFileSync('redis-cli', ['--no-auth-warning', '-h', nodes.masterIp, '-p', String(nodes.redisPort), '--user', 'admin', 'PING'], {
          encoding: 'utf8', env: { PATH: process.env.PATH, REDISCLI_AUTH: pw },
        }).trim();
        expect(cli(password)).to.equal('PONG');
        expect(cli(`${password}x`)).to.match(/WRONGPASS|NOAUTH/);
      });

      it('the replica links to the master with masteruser/masterauth', async () => {
        await waitFor('master_link_status:up', async () => /master_link_status:up/.test(String(await nodes.call(nodes.replicaIp, nodes.redisPort, 'admin', 'INFO', 'replication'))), 20_000)
          .catch((e: Error) => expect.fail(`${e.message}\n${nodes.log('db-1')}`));
        await nodes.call(nodes.masterIp, nodes.redisPort, undefined, 'SET', 'k', password);
        await waitFor('the write to reach the replica', async () => (await nodes.call(nodes.replicaIp, nodes.redisPort, 'admin', 'GET', 'k')) === password);
      });

      it('the sentinel takes requirepass and reads the master with auth-user/auth-pass', async () => {
        expect(await nodes.call(nodes.masterIp, nodes.sentinelPort, undefined, 'PING')).to.equal('PONG');
        // The master lists the replica only in an authenticated INFO.
        await waitFor('the sentinel to learn the replica from the master', async () => {
          const master = (await nodes.call(nodes.masterIp, nodes.sentinelPort, undefined, 'SENTINEL', 'MASTER', 'mymaster')) as string[];
          return master[master.indexOf('num-slaves') + 1] === '1';
        }, 20_000).catch((e: Error) => expect.fail(`${e.message}\n${nodes.log('sentinel')}`));
      });
    });
  }
});
