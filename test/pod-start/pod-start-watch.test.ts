import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type * as k8s from '@kubernetes/client-node';
import { installWatchingPods, PodStartError, watchPodStarts, type PodSource } from '../../cluster/pod-start-watch.ts';
import { CommandRunner } from '../../cluster/kube/plan.ts';
import { helm } from '../../toolchain/helm.ts';
import { kubectlPodSource } from '../../cli/kube-access.ts';
import { rejection } from '../support/rejection.ts';
import { crashed, initDone, pod, waiting } from '../support/pods.ts';
import { setTimeout as sleep } from 'node:timers/promises';

const INTERVAL = 10;
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

const starting = pod({ init: initDone, redis: waiting('ContainerCreating') });
const crashLooping = pod({ init: initDone, redis: { ...waiting('CrashLoopBackOff'), lastState: crashed(1), restartCount: 1 } });

/** A lister that answers each poll from `answers` (the last one repeats), and counts the polls and log reads. */
function fakeSource(answers: (k8s.V1Pod[] | Error)[], log = 'Bad directive or wrong number of arguments') {
  const seen = { polls: 0, logs: [] as [string, string, boolean][] };
  const source: PodSource = {
    async listPods() {
      const answer = answers[Math.min(seen.polls++, answers.length - 1)] ?? [];
      if (answer instanceof Error) throw answer;
      return answer;
    },
    async logs(p, c, previous) {
      seen.logs.push([p, c, previous]);
      return log;
    },
  };
  return { source, seen };
}

describe('pod start watcher', () => {
  it('rejects with a PodStartError when a pod will not start (2nd poll), then polls no more', async () => {
    const { source, seen } = fakeSource([[starting], [crashLooping]]);
    const never = new Promise<void>(() => undefined);
    const error = await rejection(watchPodStarts(source, { until: never, intervalMs: INTERVAL }), 'watching a crash loop');
    expect(error).to.be.instanceOf(PodStartError);
    expect(error.message.split('\n')[0]).to.equal('pod rc-dev/dev-redis-0 will not start: container redis CrashLoopBackOff (exit code 1)');
    expect(error.message).to.contain('  | Bad directive or wrong number of arguments');
    expect((error as PodStartError).failure).to.deep.include({ pod: 'dev-redis-0', container: 'redis', exitCode: 1 });
    expect(seen.logs).to.deep.equal([['dev-redis-0', 'redis', true]]);
    expect(seen.polls).to.equal(2);
    await sleep(INTERVAL * 5);
    expect(seen.polls).to.equal(2);
  });

  it('stops polling, and leaves no timer, once the install it watches settles', async () => {
    // Mocha starts its own timeout timer once the test function has returned its promise.
    await Promise.resolve();
    const before = timers();
    const { source, seen } = fakeSource([[starting]]);
    let installed!: () => void;
    const install = new Promise<void>((r) => (installed = r));
    const watching = watchPodStarts(source, { until: install, intervalMs: INTERVAL });
    await sleep(INTERVAL * 5);
    expect(seen.polls).to.be.at.least(2);
    installed();
    await watching;
    expect(timers()).to.equal(before);
    const polls = seen.polls;
    await sleep(INTERVAL * 5);
    expect(seen.polls).to.equal(polls);
  });

  it('stops when its signal fires', async () => {
    const { source, seen } = fakeSource([[starting]]);
    const abort = new AbortController();
    const watching = watchPodStarts(source, { until: new Promise(() => undefined), signal: abort.signal, intervalMs: INTERVAL });
    await sleep(INTERVAL * 3);
    abort.abort();
    await watching;
    const polls = seen.polls;
    await sleep(INTERVAL * 5);
    expect(seen.polls).to.equal(polls);
  });

  it('a failed listing is polled again', async () => {
    const { source } = fakeSource([new Error('connection refused'), [crashLooping]]);
    const error = await rejection(watchPodStarts(source, { until: new Promise(() => undefined), intervalMs: INTERVAL }), 'watching');
    expect(error).to.be.instanceOf(PodStartError);
  });

  it('an image error is reported without reading a log (the container never ran)', async () => {
    const { source, seen } = fakeSource([[pod({ init: initDone, redis: waiting('ErrImagePull', 'not found') })]]);
    const error = await rejection(watchPodStarts(source, { until: new Promise(() => undefined), intervalMs: INTERVAL }), 'watching');
    expect(error.message).to.contain('container redis ErrImagePull');
    expect(seen.logs).to.deep.equal([]);
  });
});

describe('install watching pods', () => {
  it('aborts the install when a pod will not start, waits for it to stop, and throws the PodStartError', async () => {
    // A fresh install: no pods before it.
    const { source } = fakeSource([[], [starting], [crashLooping]]);
    const events: string[] = [];
    const error = await rejection(installWatchingPods((signal) => new Promise((_, reject) => {
      signal.addEventListener('abort', () => setTimeout(() => {
        events.push('install stopped');
        reject(new Error('helm: context canceled'));
      }, INTERVAL));
    }), source, { intervalMs: INTERVAL }), 'a crash-looping install');
    events.push('thrown');
    expect(error).to.be.instanceOf(PodStartError);
    expect(events).to.deep.equal(['install stopped', 'thrown']);
  });

  it('does not judge the pods from before the install (an upgrade replaces them), only those it starts', async () => {
    const old = pod({ init: initDone, redis: { ...waiting('CrashLoopBackOff'), lastState: crashed(1), restartCount: 9 }, uid: 'old' });
    const replaced = pod({ init: initDone, redis: { ...waiting('CrashLoopBackOff'), lastState: crashed(1), restartCount: 1 }, uid: 'new' });
    const quiet = fakeSource([[old], [old], [old]]);
    expect(await installWatchingPods(async () => { await sleep(INTERVAL * 5); return 'upgraded'; }, quiet.source, { intervalMs: INTERVAL })).to.equal('upgraded');
    expect(quiet.seen.polls).to.be.at.least(3);
    const { source } = fakeSource([[old], [old], [old, replaced]]);
    const untilAborted = (signal: AbortSignal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const error = await rejection(installWatchingPods(untilAborted, source, { intervalMs: INTERVAL }), 'an upgrade whose new pod crash-loops');
    expect((error as PodStartError).failure.pod).to.equal('dev-redis-0');
    expect(error.message).to.contain('CrashLoopBackOff');
  });

  it('returns what the install returns, and throws what it throws, when no pod fails', async () => {
    const { source } = fakeSource([[starting]]);
    expect(await installWatchingPods(async () => { await sleep(INTERVAL * 3); return 'deployed'; }, source, { intervalMs: INTERVAL })).to.equal('deployed');
    const error = await rejection(installWatchingPods(async () => { throw new Error('timed out waiting for the condition'); }, source, { intervalMs: INTERVAL }), 'a timed-out install');
    expect(error.message).to.equal('timed out waiting for the condition');
  });
});

describe('the CLI\'s pod source (kubectl)', () => {
  it('lists the release\'s pods as JSON and reads the last 20 log lines, of the previous run when asked', async () => {
    const calls: string[][] = [];
    const kubectl = async (args: string[]) => {
      calls.push(args);
      return args[0] === 'get' ? JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [crashLooping] }) : 'Bad directive';
    };
    const source = kubectlPodSource(kubectl, 'dev', 'rc-dev');
    expect(await source.listPods()).to.deep.equal([JSON.parse(JSON.stringify(crashLooping))]);
    expect(await source.logs('dev-redis-0', 'redis', true)).to.equal('Bad directive');
    expect(calls).to.deep.equal([
      ['get', 'pods', '-n', 'rc-dev', '-l', 'app.kubernetes.io/instance=dev', '-o', 'json'],
      ['logs', 'dev-redis-0', '-c', 'redis', '-n', 'rc-dev', '--tail', '20', '--previous'],
    ]);
  });
});

describe('aborting a command stops it and waits until it has exited', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-abort-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A stand-in for helm: it notes SIGTERM in a file before it exits, as helm marks the release failed. */
  const stoppable = () => ['-c', `trap 'kill $!; echo stopped > ${dir}/stopped; exit 1' TERM; touch ${dir}/ready; sleep 30 & wait`];
  async function abortWhenReady(abort: AbortController) {
    for (let i = 0; i < 500 && !fs.existsSync(path.join(dir, 'ready')); i++) await sleep(20);
    abort.abort(new Error('a pod will not start'));
  }

  it('CommandRunner.command', async () => {
    const abort = new AbortController();
    const runner = new CommandRunner('real', { binaries: { helm: '/bin/sh' } });
    const running = runner.command('helm', stoppable(), { signal: abort.signal });
    await abortWhenReady(abort);
    const error = await rejection(running, 'an aborted command');
    expect(error.message).to.equal('a pod will not start');
    expect(fs.readFileSync(path.join(dir, 'stopped'), 'utf8')).to.equal('stopped\n');
  });

  it('helm()', async () => {
    const abort = new AbortController();
    const running = helm('/bin/sh', stoppable(), { signal: abort.signal });
    await abortWhenReady(abort);
    const error = await rejection(running, 'an aborted helm');
    expect(error.message).to.equal('a pod will not start');
    expect(fs.readFileSync(path.join(dir, 'stopped'), 'utf8')).to.equal('stopped\n');
  });
});
