import { expect } from 'chai';
import { createAppClient, type AppClient } from '../support/app-clients.ts';
import { HA_ONLY, SETTLED } from './ha.ts';
import type { Scenario } from './scenario.ts';

const RUN_MS = 15_000;

/** Runs one go-redis probe per mode, with or without the client label, and returns how many writes each got acknowledged. */
async function probe(release: Parameters<Scenario['run']>[0], clientLabel: boolean): Promise<Record<string, number>> {
  const modes = ['sentinel', 'url'] as const;
  const clients: AppClient[] = [];
  try {
    for (const mode of modes) {
      clients.push(await createAppClient(release, { client: 'go-redis', mode, durationMs: RUN_MS, clientLabel, prefix: `np-${clientLabel ? 'labelled' : 'unlabelled'}-${mode}` }));
    }
    const acked: Record<string, number> = {};
    for (const c of clients) acked[c.mode] = (await c.result()).acked.length;
    return acked;
  } finally {
    for (const c of clients) await c.stop();
  }
}

export const scenarios: Scenario[] = [
  {
    name: 'NetworkPolicies on the enforcing cluster: an application pod with the client label writes through Sentinel and the -master Service; one without it is refused',
    profile: 'ha-production',
    values: HA_ONLY,
    sharesRelease: SETTLED,
    timeoutMs: 300_000,
    async run(release) {
      const kinds = release.manifests.filter((m) => m.kind === 'NetworkPolicy').map((m) => m.metadata.name as string);
      expect(kinds, 'a policy for the data pods, the sentinels and the master proxy').to.have.length(3);
      const labelled = await probe(release, true);
      const unlabelled = await probe(release, false);
      console.log(`      [network-policy] labelled ${JSON.stringify(labelled)} unlabelled ${JSON.stringify(unlabelled)}`);
      expect(labelled.sentinel, 'labelled pod through Sentinel').to.be.above(0);
      expect(labelled.url, 'labelled pod through the -master Service').to.be.above(0);
      expect(unlabelled, 'an unlabelled pod gets nothing acknowledged').to.deep.equal({ sentinel: 0, url: 0 });
    },
  },
];
