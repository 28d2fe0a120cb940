import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { requireCommand } from '../../toolchain/tools.ts';
import { freePort } from '../observability/support/local-redis.ts';
import { NASTY_PASSWORDS, shown } from './nasty-passwords.ts';
import { ScriptedNodes } from './support/redis-nodes.ts';
import { Processes, waitFor } from '../support/processes.ts';
import { onLoopback, renderedProxyFiles } from './support/proxy-config.ts';
import { run } from '../../toolchain/run.ts';

const HAPROXY_DIRS = ['/usr/sbin', '/usr/local/sbin'];

describe('the master proxy health check with special-character passwords (real haproxy and redis-server)', () => {
  let files: { config: string; script: string };
  before(async () => {
    requireCommand('haproxy', 'haproxy');
    files = await renderedProxyFiles();
  });

  it('never puts the password in haproxy.cfg: the AUTH goes as hex from the environment', () => {
    expect(files.config).to.include('tcp-check send-binary "${REDIS_AUTH_HEX}"');
    expect(files.config).to.not.include('REDIS_PASSWORD');
  });

  for (const password of NASTY_PASSWORDS) {
    describe(`password ${shown(password)}`, () => {
      const nodes = new ScriptedNodes(password);
      const proxies = new Processes();
      let dir: string;
      let script: string;
      before(async function () {
        this.timeout(60_000);
        await nodes.start({ replica: false, sentinel: false });
        dir = path.join(nodes.dir, 'proxy');
        fs.mkdirSync(dir);
        script = path.join(dir, 'master-proxy.sh');
        fs.writeFileSync(script, files.script);
      });
      after(async () => {
        await proxies.killAll();
        await nodes.stop();
      });

      const env = (pw: string) => ({ PATH: [...HAPROXY_DIRS, process.env.PATH].join(':'), REDIS_PASSWORD: pw });
      async function proxy(pw: string, name: string): Promise<number> {
        const ports = { listen: await freePort(), health: await freePort(), redis: nodes.redisPort };
        const config = path.join(dir, `${name}.cfg`);
        fs.writeFileSync(config, onLoopback(files.config, ports));
        proxies.start(['sh', script, '-db', '-f', config], env(pw), path.join(dir, `${name}.log`));
        return ports.listen;
      }
      const pingThrough = async (port: number) => (await nodes.call('127.0.0.1', port, undefined, 'PING')) === 'PONG';

      it('haproxy -c accepts the config, started through master-proxy.sh', async () => {
        const config = path.join(dir, 'check.cfg');
        fs.writeFileSync(config, onLoopback(files.config, { listen: 1, health: 2, redis: nodes.redisPort }));
        const { stdout, stderr } = await run('sh', [script, '-c', '-f', config], { env: env(password) });
        expect(`${stdout}${stderr}`).to.match(/valid/i);
      });

      it('the tcp-check logs in and marks the master up: a client gets through', async () => {
        const port = await proxy(password, 'right');
        await waitFor('a PONG through the proxy', () => pingThrough(port), 10_000)
          .catch((e: Error) => expect.fail(`${e.message}\n${fs.readFileSync(path.join(dir, 'right.log'), 'utf8')}`));
      });

      it('with a wrong password the check fails and nothing gets through (the check can fail)', async () => {
        const port = await proxy(`${password}x`, 'wrong');
        await new Promise((r) => setTimeout(r, 2000));
        expect(await pingThrough(port).catch(() => false)).to.equal(false);
      });
    });
  }
});
