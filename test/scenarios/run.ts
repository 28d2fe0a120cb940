import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Cluster, Release } from '../../cluster/driver.ts';
import { profileFile, releaseName, type Scenario } from './scenario.ts';
import { ArgvWatch, findSecretLeaks, registeredSecrets, type Leak } from '../support/secret-leaks.ts';

/**
 * The profile as another chart (a released one) shipped it: its umbrella's ci/<profile>-values.yaml, which generate
 * copies from values/. Its values schema may not know keys this checkout's profile has.
 */
function shippedProfile(chartDir: string, profile: string): string {
  const file = path.join(chartDir, 'ci', `${profile}-values.yaml`);
  if (!existsSync(file)) throw new Error(`${chartDir} ships no profile ${profile} (ci/${profile}-values.yaml)`);
  return file;
}

/** What must be equal for two scenarios to run on one release. */
function sharingKey(s: Scenario): string | undefined {
  return s.sharesRelease ? JSON.stringify([s.profile, s.values ?? {}, s.chartDir?.() ?? '']) : undefined;
}

/** The release the last scenario left for the next one that shares it (across modules when a caller shares it). */
export class KeptRelease {
  private kept: { key: string; release: Release } | undefined;

  /** The kept release when it was kept under `key`; any other kept release is dropped. */
  async take(key: string | undefined): Promise<Release | undefined> {
    const kept = this.kept;
    this.kept = undefined;
    if (kept && kept.key === key) return kept.release;
    await dropRelease(kept?.release);
    return undefined;
  }

  keep(key: string, release: Release): void {
    this.kept = { key, release };
  }

  async drop(): Promise<void> {
    await this.take(undefined);
  }
}

// Each scenario's release has a namespace of its own: its pods may finish terminating during the next one.
const dropRelease = async (release: Release | undefined) => release?.uninstall({ keepVolumes: false, wait: false });

/**
 * Registers one mocha test per scenario against a cluster. Each scenario gets a fresh release that is uninstalled
 * (volumes dropped) afterwards, also when it fails; consecutive scenarios that share a release (`sharesRelease`) run
 * on one release, each starting once it has settled, and a failed scenario takes the release with it. A caller that passes `shared` lets consecutive modules share too
(and drops what is kept at its end). After a scenario
 * passed, no password and no private key may have shown anywhere it can leak (see secret-leaks.ts): in the processes'
 * arguments while it ran, in its ConfigMaps, pod specs and pod logs at its end.
 */
export function runScenarios(title: string, scenarios: Scenario[], cluster: () => Cluster, shared?: KeptRelease): void {
  describe(title, function () {
    const kept = shared ?? new KeptRelease();
    if (!shared) {
      after(async function () {
        this.timeout(120_000);
        await kept.drop();
      });
    }
    for (const s of scenarios) {
      it(s.name, async function () {
        this.timeout(s.timeoutMs ?? 120_000);
        const key = sharingKey(s);
        let release: Release | undefined;
        let passed = false;
        const watch = new ArgvWatch(registeredSecrets()).start(100);
        try {
          release = await kept.take(s.freshInstall ? undefined : key);
          if (release) {
            await s.sharesRelease!.settle(release).catch((e: Error) => {
              throw new Error(`the release the previous scenario left did not settle: ${e.message}`);
            });
          } else {
            const chartDir = s.chartDir?.();
            const name = releaseName(s.profile.replace(/[^a-z0-9]/g, '').slice(0, 8));
            release = await cluster().install({
              release: name,
              ...(s.secrets ? { secrets: s.secrets({ release: name, namespace: cluster().namespaceOf(name) }) } : {}),
              valuesFiles: [chartDir ? shippedProfile(chartDir, s.profile) : profileFile(s.profile)],
              values: s.values,
              ...(chartDir ? { chartDir } : {}),
            });
          }
          await watch.addSecretsOf(release);
          await s.run(release, cluster());
          const leaks = [...watch.stop(), ...(await findSecretLeaks(release))];
          if (leaks.length) throw new Error(`a secret where it can leak:\n${leaks.map((l: Leak) => `${l.what} in ${l.where}`).join('\n')}`);
          passed = true;
        } catch (e) {
          // Printed at once: a long suite reports its failures only at the end, and the cluster state is gone by then.
          console.log(`      [scenario failed] ${s.name}: ${(e as Error).message.split('\n').slice(0, 40).join('\n        ')}`);
          if (release && s.diagnose) console.log(await s.diagnose(release).catch((d: Error) => `(no diagnosis: ${d.message})`));
          throw e;
        } finally {
          watch.stop();
          if (passed && key && release) kept.keep(key, release);
          else await dropRelease(release);
        }
      });
    }
  });
}
