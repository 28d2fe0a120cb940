import type { Cluster, Release } from '../../generator/cluster/types.ts';
import { profileFile, releaseName, type Scenario } from './scenario.ts';

/**
 * Registers one mocha test per scenario against a cluster. Each scenario gets a fresh release that is
 * uninstalled (volumes dropped) afterwards, also when it fails.
 */
export function runScenarios(title: string, scenarios: Scenario[], cluster: () => Cluster): void {
  describe(title, function () {
    for (const s of scenarios) {
      it(s.name, async function () {
        this.timeout(s.timeoutMs ?? 120_000);
        let release: Release | undefined;
        try {
          release = await cluster().install({
            release: releaseName(s.profile.replace(/[^a-z0-9]/g, '').slice(0, 8)),
            valuesFiles: [profileFile(s.profile)],
            values: s.values,
            ...(s.chartDir ? { chartDir: s.chartDir() } : {}),
          });
          await s.run(release, cluster());
        } catch (e) {
          // Printed at once: a long suite reports its failures only at the end, and the cluster state is gone by then.
          console.log(`      [scenario failed] ${s.name}: ${(e as Error).message.split('\n').slice(0, 40).join('\n        ')}`);
          if (release && s.diagnose) console.log(await s.diagnose(release).catch((d: Error) => `(no diagnosis: ${d.message})`));
          throw e;
        } finally {
          // Each scenario's release has a namespace of its own: its pods may finish terminating during the next one.
          await release?.uninstall({ keepVolumes: false, wait: false });
        }
      });
    }
  });
}
