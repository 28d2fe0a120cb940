import path from 'node:path';
import { expect } from 'chai';
import { helm } from '../../toolchain/helm.ts';
import { helmBinary, type HelmMajor } from '../../toolchain/tools.ts';
import { chartDirs, ciValuesFiles } from './chart-dirs.ts';

// The `helm lint` part of `ct lint`: every chart with each of its ci values files, on both Helm majors.
describe('ct lint: helm lint --strict', function () {
  this.timeout(120_000);
  for (const major of [3, 4] as const satisfies readonly HelmMajor[]) {
    for (const chart of chartDirs()) {
      for (const values of ciValuesFiles(chart)) {
        it(`helm ${major}: ${path.basename(chart)} with ci/${path.basename(values)}`, async () => {
          const out = await helm(helmBinary(major), ['lint', '--strict', chart, '-f', values]);
          expect(out).to.match(/1 chart\(s\) linted, 0 chart\(s\) failed/);
        });
      }
    }
  }
});
