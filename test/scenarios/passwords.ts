import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { Release } from '../../cluster/driver.ts';
import { ask, dataPods, masterServiceClient, password, REDIS_PORT, sentinelClient, sentinelPods, SENTINEL_PORT, waitForSingleMaster } from '../support/ha.ts';
import { HA_ONLY } from './ha.ts';
import type { Scenario } from './scenario.ts';

/** Space, both quotes, `#`, `$`, a backslash: each breaks a config line, a shell word, HAProxy or a URL when not escaped. */
export const NASTY_PASSWORD = 'p a\'ss"w#o$rd\\x';

export const scenarios: Scenario[] = [
  {
    name: 'a password with spaces, quotes, #, $ and a backslash works end to end: pods, sentinels, replication, Sentinel clients, the -master Service',
    profile: 'ha-production',
    values: { ...HA_ONLY, global: { auth: { password: NASTY_PASSWORD } } },
    timeoutMs: 240_000,
    async run(release) {
      // Every probe (they authenticate through lib.sh) passes.
      await release.waitReady({ timeoutMs: 180_000 });
      expect(await password(release)).to.equal(NASTY_PASSWORD);

      for (const p of await dataPods(release)) expect(await ask(release, p.name, REDIS_PORT, 'PING'), p.name).to.equal('PONG');
      for (const s of await sentinelPods(release)) expect(await ask(release, s.name, SENTINEL_PORT, 'PING'), s.name).to.equal('PONG');

      // Replicas link up only with masterauth, and the sentinels agree only with auth-pass.
      const topology = await waitForSingleMaster(release, { timeoutMs: 90_000 });
      expect(topology.replicas).to.have.length(2);

      const { client, close } = await sentinelClient(release);
      try {
        expect(await client.set('password-scenario:sentinel', NASTY_PASSWORD)).to.equal('OK');
        expect(await client.get('password-scenario:sentinel')).to.equal(NASTY_PASSWORD);
      } finally {
        close();
      }

      // The HAProxy health check logs in, or the -master Service has no endpoint to route to.
      const plain = await masterServiceClient(release);
      try {
        expect(await plain.set('password-scenario:service', 'ok')).to.equal('OK');
        expect(await plain.get('password-scenario:sentinel')).to.equal(NASTY_PASSWORD);
      } finally {
        plain.disconnect();
      }
    },
  },
];
