import { stopLocalCluster } from './local-cluster.ts';

/** Mocha root hooks: whatever the suites started on this machine is stopped once, after every suite. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(120_000);
    await stopLocalCluster();
  },
};
