import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { clusterLayout } from '../../cluster/local/layout.ts';
import { readState } from '../../cluster/local/state.ts';
import { REPO_ROOT } from '../../generator/paths.ts';
import { waitForOutput } from '../support/cli.ts';

const CLI = path.join(REPO_ROOT, 'bin', 'redis-charts.js');


/** README's main job: with no Kubernetes context, `up` starts the local cluster, deploys, prints how to connect. */
describe('redis-charts up with no Kubernetes context (the README\'s main job)', function () {
  this.timeout(600_000);
  const clusterName = `up${process.pid}`;
  let up: ChildProcess | undefined;

  afterEach(() => {
    if (up && up.exitCode === null) up.kill('SIGINT');
  });

  it('starts the local cluster, deploys dev, prints a REDIS_URL that works from this machine, and Ctrl-C removes it all', async () => {
    up = spawn(process.execPath, [CLI, 'up', 'dev', '--release', 'uptest'], {
      cwd: REPO_ROOT,
      // No kubeconfig: nothing but the local cluster to deploy to.
      env: { ...process.env, KUBECONFIG: path.join(REPO_ROOT, '.tools', 'no-such-kubeconfig'), REDIS_CHARTS_LOCAL_CLUSTER: clusterName },
    });
    const out = await waitForOutput(up, /Press Ctrl-C/, 540_000);
    expect(out).to.match(/starting the local cluster/);
    expect(out).to.match(/KUBECONFIG=\S+kubeconfig/);
    const url = /REDIS_URL=(\S+)/.exec(out)?.[1];
    expect(url, out).to.match(/^redis:\/\/default:[^@]+@10\.96\.[\d.]+:6379$/);
    const client = new Redis(url!, { maxRetriesPerRequest: 1, connectTimeout: 5000 });
    try {
      await client.set('up:test', 'ok');
      expect(await client.get('up:test')).to.equal('ok');
    } finally {
      client.disconnect();
    }
    const state = readState(clusterName);
    expect(state?.phase).to.equal('ready');
    const layout = clusterLayout(clusterName, state!.slot);
    const exited = new Promise<number | null>((r) => up!.once('exit', r));
    up.kill('SIGINT');
    expect(await exited).to.equal(130);
    expect(existsSync(layout.dir), 'the cluster directory is removed').to.equal(false);
    for (const node of layout.nodes) expect(existsSync(`/run/netns/${node.netns}`), node.netns).to.equal(false);
    expect(existsSync(`/sys/class/net/${layout.bridge}`)).to.equal(false);
  });
});
