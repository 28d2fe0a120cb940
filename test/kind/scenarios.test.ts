import { KubeCluster, KIND_SKIP_HINT, describeMissing, missingKindPrerequisites } from '../../cluster/kube/index.ts';
import { listProfiles } from '../../generator/profiles/files.ts';
import { scenarioModules } from '../scenarios/index.ts';
import { runScenarios } from '../scenarios/run.ts';
import { profileFile, releaseName } from '../scenarios/scenario.ts';

/**
 * The shared scenarios and `helm test` on a real cluster. scripts/kind-smoke.mjs creates the cluster and
 * runs this file with REDIS_CHARTS_KIND=1 (and REDIS_CHARTS_KIND_PROFILE to run one profile at a time).
 */
const missing = missingKindPrerequisites();
const onlyProfile = process.env['REDIS_CHARTS_KIND_PROFILE'];

if (missing.length > 0) {
  it.skip(`kind suite skipped: ${describeMissing(missing)} (${KIND_SKIP_HINT})`);
} else if (process.env['REDIS_CHARTS_KIND'] !== '1') {
  it.skip('kind suite skipped: REDIS_CHARTS_KIND is not 1 (run npm run test:kind, which creates the kind cluster)');
} else {
  const cluster = new KubeCluster();
  after(() => cluster.destroy());
  const profiles = listProfiles().map((p) => p.name).filter((p) => !onlyProfile || p === onlyProfile);

  describe('kind: helm test', function () {
    for (const profile of profiles) {
      it(`helm test passes on ${profile}`, async function () {
        this.timeout(900_000);
        const release = await cluster.install({ release: releaseName(profile.replace(/[^a-z0-9]/g, '').slice(0, 8)), valuesFiles: [profileFile(profile)] });
        try {
          await cluster.helmTest(release);
        } finally {
          await release.uninstall({ keepVolumes: false });
        }
      });
    }
  });

  for (const [module, scenarios] of Object.entries(scenarioModules)) {
    const selected = scenarios.filter((s) => profiles.includes(s.profile));
    if (selected.length) runScenarios(`kind: ${module}`, selected, () => cluster);
  }
}
