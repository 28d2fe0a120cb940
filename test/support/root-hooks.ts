import { stopTestRunClusters } from './local-cluster.ts';
import { useRunTempDir } from './run-temp-dir.ts';

// Mocha loads this file in its main process and in every parallel worker. The main process owns the run's temporary
// folder and clusters; a worker, forked after this ran in the main process, inherits TMPDIR and leaves both alone.
const removeRunTempDir = process.env.MOCHA_WORKER_ID === undefined ? useRunTempDir() : () => {};

/** Mocha's global teardown (main process only, after every file): the clusters the run started stop, its files go. */
export async function mochaGlobalTeardown(): Promise<void> {
  await stopTestRunClusters();
  removeRunTempDir();
}
