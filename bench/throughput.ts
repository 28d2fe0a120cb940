/**
 * Write throughput on the local cluster HA release, as ratios to writing straight to the master pod:
 * through the HAProxy master endpoint, through a Sentinel-aware client, and acknowledged with WAIT 1.
 *   npx tsx bench/throughput.ts [seconds]
 */
import { Redis } from 'ioredis';
import { withLocalCluster } from './local-cluster.ts';
import { profileFile } from '../test/scenarios/scenario.ts';
import { HA_ONLY } from '../test/scenarios/ha.ts';
import { credentials, sentinelClient, tlsOptions, waitForSingleMaster, REDIS_PORT } from '../test/support/ha.ts';

const seconds = Number(process.argv[2] ?? 5);

/** Sequential writes for `seconds` (one in flight, as a request handler does); returns writes per second. */
async function rate(client: Redis, ack: boolean): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let n = 0;
  while (Date.now() < end) {
    await client.set(`bench:${n}`, 'x');
    if (ack) await client.call('WAIT', '1', '1000');
    n++;
  }
  return n / seconds;
}

await withLocalCluster(async (cluster) => {
  const release = await cluster.install({ release: 'tput', valuesFiles: [profileFile('ha-production')], values: HA_ONLY });
  const { master } = await waitForSingleMaster(release, { sentinels: 3 });
  const auth = await credentials(release);
  const proxyPod = (await release.pods()).find((p) => p.labels['app.kubernetes.io/component'] === 'master-proxy')!;
  const at = async (target: { pod: string }) => {
    const ep = await release.endpoint(target, REDIS_PORT);
    return new Redis({ host: ep.host, port: ep.port, ...auth, ...(await tlsOptions(release)) });
  };
  const direct = await at({ pod: master });
  const proxied = await at({ pod: proxyPod.name });
  const { client: viaSentinel, close } = await sentinelClient(release);
  const base = await rate(direct, false);
  const figures = {
    'direct to the master pod': base,
    'through the HAProxy master endpoint': await rate(proxied, false),
    'Sentinel-aware client (ioredis)': await rate(viaSentinel, false),
    'direct, each write acknowledged with WAIT 1': await rate(direct, true),
  };
  for (const [name, r] of Object.entries(figures)) console.log(`${name.padEnd(46)} ${Math.round(r).toString().padStart(7)} writes/s  ratio ${(r / base).toFixed(2)}`);
  direct.disconnect(); proxied.disconnect(); close();
});
