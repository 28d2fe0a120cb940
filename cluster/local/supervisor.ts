/**
 * The process that owns one local cluster: started detached by `startCluster`, it brings the cluster up, keeps its
 * components running, and on SIGTERM/SIGINT (or when its owner, a test run, dies) removes everything it created.
 * Usage: node --import tsx cluster/local/supervisor.ts [--images=all|charts|system] <name> <slot> [<owner pid> <owner start>]
 * --images: which images the nodes load (see NodeImages in bringup.ts); `charts` by default.
 */
import { appendFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { bringUp, type NodeImages } from './bringup.ts';
import { clusterLayout, failedLogsDir } from './layout.ts';
import { ComponentRunner } from './supervisor-runner.ts';
import { writeState, type ClusterState } from './state.ts';
import { identify, isAlive, type ProcessIdentity } from './process-identity.ts';
import { teardownSync } from './teardown.ts';
import { clusterBinaries } from './tools.ts';

const args = process.argv.slice(2);
const imagesFlag = /^--images=(all|charts|system)$/.exec(args[0] ?? '')?.[1] as NodeImages | undefined;
const nodeImages: NodeImages = imagesFlag ?? 'charts';
const [nameArg, slotArg, ownerPid, ownerStart] = imagesFlag ? args.slice(1) : args;
if (!nameArg || slotArg === undefined) {
  console.error('usage: supervisor.ts [--images=all|charts|system] <name> <slot> [<owner pid> <owner start>]');
  process.exit(2);
}
const name: string = nameArg;
const layout = clusterLayout(name, Number(slotArg));
const owner: ProcessIdentity | undefined = ownerPid ? { pid: Number(ownerPid), start: ownerStart ?? '' } : undefined;
const progressFile = join(layout.dir, 'progress.log');

const state: ClusterState = {
  name,
  slot: layout.slot,
  phase: 'starting',
  supervisor: identify(process.pid),
  ...(owner ? { owner } : {}),
  processes: {},
  startedAt: new Date().toISOString(),
};
const save = () => {
  try {
    writeState(layout, state);
  } catch {} // the directory is gone during teardown
};
const log = (line: string) => {
  try {
    appendFileSync(progressFile, `${line}\n`);
  } catch {}
};

const runner = new ComponentRunner(layout.logsDir, (processes) => {
  state.processes = processes;
  save();
}, log);

/** A failed start leaves its logs where the starting client points the user. */
function keepLogs(): void {
  try {
    cpSync(layout.logsDir, failedLogsDir(name), { recursive: true });
    cpSync(progressFile, join(failedLogsDir(name), 'progress.log'));
  } catch {}
}

let stopped = false;
function stop(reason: string, code: number): never {
  if (!stopped) {
    stopped = true;
    log(`stopping: ${reason}`);
    state.phase = 'stopping';
    save();
    runner.stopAll();
    if (code !== 0) keepLogs();
    teardownSync(layout, state);
  }
  process.exit(code);
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => stop(`received ${signal}`, 0));
process.on('uncaughtException', (e) => stop(`internal error: ${e.stack ?? e}`, 1));
if (owner) {
  setInterval(() => {
    if (!isAlive(owner)) stop(`its owner (pid ${owner.pid}) has exited`, 0);
  }, 2000).unref();
}

save();
try {
  await bringUp(layout, clusterBinaries(), runner, log, nodeImages);
  state.phase = 'ready';
  state.readyAt = new Date().toISOString();
  save();
  log('ready');
} catch (e) {
  state.phase = 'failed';
  state.error = (e as Error).message;
  save();
  log(`failed: ${(e as Error).message}`);
  // Keep the failed cluster's logs for a moment so the starting client can read them, then remove everything.
  setTimeout(() => stop('start failed', 1), 3000);
}
// Keep running: the components are children of this process.
setInterval(() => {}, 1 << 30);
