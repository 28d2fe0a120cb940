import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clusterBinaries } from '../../cluster/local/tools.ts';
import { run } from '../../toolchain/run.ts';
import { restrictedNamespaceManifest } from '../../cluster/pod-security.ts';
import { renderRelease } from '../../generator/helm/render-release.ts';
import { acceptedFuzzProfiles, allFuzzCases } from '../support/profile-fuzz.ts';
import { kubectl, localCluster } from '../support/local-cluster.ts';

/** Every eighth fuzz case: about 40 accepted profiles, each rendered and sent to the API server. */
const EVERY = 8;

/**
 * What validate accepts, the API server accepts: fuzzed profiles that validate passes (test/support/profile-fuzz.ts)
 * are rendered and applied as a server-side dry run (every object through admission and the API's validation) into
 * a namespace that enforces Pod Security "restricted", which must not even warn.
 */
describe('fuzzed profiles validate accepts, on the API server (server-side dry run)', function () {
  this.timeout(300_000);
  const namespace = `rc-fuzz-${process.pid}`;

  before(async () => {
    await localCluster();
    await kubectl(['create', '-f', '-'], restrictedNamespaceManifest(namespace));
  });
  after(async () => {
    await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  });

  it('accepts every object of each, with no Pod Security warning', async () => {
    const accepted = acceptedFuzzProfiles(allFuzzCases().filter((_, i) => i % EVERY === 0));
    expect(accepted.length, 'accepted profiles in the sample').to.be.at.least(20);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-fuzz-dry-run-'));
    const refused: string[] = [];
    try {
      const { layout } = await localCluster();
      for (const [i, p] of accepted.entries()) {
        const file = path.join(dir, `${i}.yaml`);
        fs.writeFileSync(file, p.text);
        const manifests = await renderRelease({ release: `fz${i}`, namespace, valuesFiles: [file] });
        const result = await run(clusterBinaries().kube, ['kubectl', '--kubeconfig', layout.kubeconfig, 'apply', '--dry-run=server', '-n', namespace, '-f', '-'], { input: manifests });
        const warnings = result.stderr.split('\n').filter((l) => /^Warning:/.test(l));
        if (result.code !== 0 || warnings.length) refused.push(`${p.name}\n    ${(result.code !== 0 ? result.stderr : warnings.join(' ')).trim().slice(0, 600)}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    console.log(`      [fuzz-dry-run] profiles=${accepted.length} refused=${refused.length}`);
    expect(refused, `validate accepted what the API server refuses or warns about:\n${refused.join('\n')}`).to.deep.equal([]);
  });
});
