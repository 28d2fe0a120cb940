import { expect } from 'chai';
import type * as k8s from '@kubernetes/client-node';
import { formatPodStartFailure, podStartFailure, type PodStartFailure } from '../../cluster/pod-start-failure.ts';
import { crashed, initDone, pod, waiting } from '../support/pods.ts';

describe('pod start failures: a pod that will not start, from its status', () => {
  describe('counts', () => {
    it('a container in CrashLoopBackOff, with the exit code of its last run, and reads the previous run\'s log', () => {
      const f = podStartFailure(pod({ init: initDone, redis: { ...waiting('CrashLoopBackOff', 'back-off 10s restarting failed container'), lastState: crashed(1), restartCount: 1 } }));
      expect(f).to.deep.include({ namespace: 'rc-dev', pod: 'dev-redis-0', container: 'redis', init: false, reason: 'CrashLoopBackOff', exitCode: 1, previousLog: true });
      expect(f?.terminatedReason).to.equal(undefined);
    });

    it('a crash loop of a container the kernel killed for memory says OOMKilled', () => {
      const f = podStartFailure(pod({ init: initDone, redis: { ...waiting('CrashLoopBackOff'), lastState: crashed(137, 'OOMKilled'), restartCount: 3 } }));
      expect(f).to.deep.include({ reason: 'CrashLoopBackOff', exitCode: 137, terminatedReason: 'OOMKilled' });
    });

    for (const reason of ['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName']) {
      it(`an image that cannot be pulled: ${reason}, with the image name`, () => {
        const message = 'rpc error: code = NotFound desc = failed to pull and unpack image "redis-charts.local/redis:7.0.15"';
        const f = podStartFailure(pod({ init: initDone, redis: waiting(reason, message) }));
        expect(f).to.deep.include({ container: 'redis', reason, image: 'redis-charts.local/redis:7.0.15', message, previousLog: false });
        expect(f?.exitCode).to.equal(undefined);
      });
    }

    for (const reason of ['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']) {
      it(`a container the kubelet cannot create or run: ${reason}, with its message`, () => {
        const f = podStartFailure(pod({ init: initDone, redis: waiting(reason, 'secret "dev-redis-auth" not found') }));
        expect(f).to.deep.include({ container: 'redis', reason, message: 'secret "dev-redis-auth" not found' });
      });
    }

    it('not a kubelet whose Secret cache was not filled in time: it retries by itself', () => {
      const message = 'failed to sync secret cache: timed out waiting for the condition';
      expect(podStartFailure(pod({ init: initDone, redis: waiting('CreateContainerConfigError', message) }))).to.equal(undefined);
    });

    it('an init container in CrashLoopBackOff, before the main containers', () => {
      const f = podStartFailure(pod({ init: { ...waiting('CrashLoopBackOff'), lastState: crashed(2), restartCount: 2 }, redis: waiting('PodInitializing') }));
      expect(f).to.deep.include({ container: 'restore', init: true, reason: 'CrashLoopBackOff', exitCode: 2 });
    });

    it('an init container that exited non-zero again after two restarts, with its own (current) log', () => {
      const f = podStartFailure(pod({ init: { state: crashed(1), lastState: crashed(1), restartCount: 2 }, redis: waiting('PodInitializing') }));
      expect(f).to.deep.include({ container: 'restore', init: true, reason: 'Error', exitCode: 1, previousLog: false });
    });
  });

  describe('does not count what may still come up', () => {
    const transient: [string, k8s.V1Pod][] = [
      ['a pod not yet scheduled while its volume binds', pod({
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'pod has unbound immediate PersistentVolumeClaims' }],
      })],
      ['init containers still running', pod({ init: { state: { running: { startedAt: new Date() } } }, redis: waiting('PodInitializing') })],
      ['a container being created', pod({ init: initDone, redis: waiting('ContainerCreating') })],
      ['a first single restart, now running', pod({ phase: 'Running', init: initDone, redis: { state: { running: { startedAt: new Date() } }, lastState: crashed(1), restartCount: 1 } })],
      ['a first crash, not yet restarted', pod({ phase: 'Running', init: initDone, redis: { state: crashed(1), restartCount: 0 } })],
      ['an init container that failed once (a peer not yet up)', pod({ init: { state: crashed(1), lastState: crashed(1), restartCount: 1 }, redis: waiting('PodInitializing') })],
      ['a running, ready pod', pod({ phase: 'Running', init: initDone, redis: { state: { running: { startedAt: new Date() } }, ready: true } })],
      ['a pod with no status yet', { metadata: { name: 'p', namespace: 'n' } }],
    ];
    for (const [what, p] of transient) it(what, () => expect(podStartFailure(p)).to.equal(undefined));
  });
});

describe('pod start failures: the message', () => {
  const crashLoop: PodStartFailure = {
    namespace: 'rc-dev', pod: 'dev-redis-0', container: 'redis', init: false, reason: 'CrashLoopBackOff', exitCode: 1, previousLog: true,
    image: 'redis-charts.local/redis:7.0.15',
  };
  const redisLog = [
    '2026-01-02T03:04:05Z starting as master', '',
    '*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***', 'Reading the configuration file, at line 37', ">>> 'no-such-directive yes'",
    'Bad directive or wrong number of arguments', '',
  ].join('\n');

  it('names pod, container, reason and exit code, then the last log lines and what to check', () => {
    expect(formatPodStartFailure(crashLoop, redisLog)).to.equal([
      'pod rc-dev/dev-redis-0 will not start: container redis CrashLoopBackOff (exit code 1)',
      'last 5 log lines of redis, its previous run:',
      '  | 2026-01-02T03:04:05Z starting as master',
      '  | *** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***',
      '  | Reading the configuration file, at line 37',
      "  | >>> 'no-such-directive yes'",
      '  | Bad directive or wrong number of arguments',
      'check: the log above and the values it points at; `kubectl logs -n rc-dev dev-redis-0 -c redis --previous` and `kubectl describe pod -n rc-dev dev-redis-0` show more',
    ].join('\n'));
  });

  it('keeps the last 20 log lines', () => {
    const log = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join('\n');
    const shown = formatPodStartFailure(crashLoop, log).split('\n').filter((l) => l.startsWith('  | '));
    expect(shown).to.have.length(20);
    expect(shown[0]).to.equal('  | line 31');
    expect(shown.at(-1)).to.equal('  | line 50');
  });

  it('says when the container wrote nothing, or its log could not be read', () => {
    expect(formatPodStartFailure(crashLoop, '')).to.contain('redis wrote no log in its previous run');
    expect(formatPodStartFailure(crashLoop, new Error('previous terminated container "redis" not found'))).to.contain('its log could not be read: previous terminated container "redis" not found');
  });

  it('an OOMKilled crash loop points at the memory limit', () => {
    const message = formatPodStartFailure({ ...crashLoop, exitCode: 137, terminatedReason: 'OOMKilled' }, 'x');
    expect(message.split('\n')[0]).to.equal('pod rc-dev/dev-redis-0 will not start: container redis CrashLoopBackOff (exit code 137, OOMKilled)');
    expect(message).to.contain('resources.limits.memory');
  });

  it('an image error names the image and global.imageRegistry, with the kubelet\'s message', () => {
    const f = podStartFailure(pod({ init: initDone, redis: waiting('ImagePullBackOff', 'Back-off pulling image "redis-charts.local/redis:7.0.15"') }));
    if (!f) throw new Error('no failure');
    const message = formatPodStartFailure(f, undefined);
    expect(message.split('\n')[0]).to.equal('pod rc-dev/dev-redis-0 will not start: container redis ImagePullBackOff');
    expect(message).to.contain('the image redis-charts.local/redis:7.0.15 exists').and.to.contain('global.imageRegistry');
    expect(message).to.contain('kubelet: Back-off pulling image "redis-charts.local/redis:7.0.15"');
  });

  it('a config error gives the message from the status', () => {
    const f = podStartFailure(pod({ init: initDone, redis: waiting('CreateContainerConfigError', 'secret "dev-redis-auth" not found') }));
    if (!f) throw new Error('no failure');
    expect(formatPodStartFailure(f, undefined)).to.equal([
      'pod rc-dev/dev-redis-0 will not start: container redis CreateContainerConfigError',
      'check: secret "dev-redis-auth" not found',
    ].join('\n'));
  });

  it('an init container is named as one, with its current log', () => {
    const f = podStartFailure(pod({ init: { state: crashed(1), restartCount: 2 }, redis: waiting('PodInitializing') }));
    if (!f) throw new Error('no failure');
    const message = formatPodStartFailure(f, 'restore: no backup named latest');
    expect(message.split('\n').slice(0, 3)).to.deep.equal([
      'pod rc-dev/dev-redis-0 will not start: init container restore Error (exit code 1)',
      'last 1 log line of restore, its last run:',
      '  | restore: no backup named latest',
    ]);
    expect(message).to.contain('`kubectl logs -n rc-dev dev-redis-0 -c restore`');
  });
});
