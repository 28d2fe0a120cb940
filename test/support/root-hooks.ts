import { stopLocalCluster } from './local-cluster.ts';
import { useRunTempDir } from './run-temp-dir.ts';

const removeRunTempDir = useRunTempDir();

/** Mocha root hooks: whatever the suites started on this machine is stopped once, after every suite, then their files go. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(120_000);
    await stopLocalCluster();
    removeRunTempDir();
  },
};
