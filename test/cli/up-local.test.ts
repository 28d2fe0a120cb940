import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { CLUSTER_ROOT, clusterLayout } from '../../cluster/local/layout.ts';
import { listClusterNames, readState } from '../../cluster/local/state.ts';
import { REPO_ROOT } from '../../generator/paths.ts';
import { waitForOutput } from '../support/cli.ts';

const CLI = path.join(REPO_ROOT, 'bin', 'redis-charts.js');
/** No kubeconfig: nothing but the local cluster to deploy to. */
const NO_KUBECONFIG = path.join(REPO_ROOT, '.tools', 'no-such-kubeconfig');

/** The network namespaces of local cluster nodes on this machine (`rcc<slot>-n<node>`, see cluster/local/layout.ts). */
const clusterNetns = () => (existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => /^rcc\d+-n\d+$/.test(n)) : []);
const slotOf = (netns: string) => Number(/^rcc(\d+)-/.exec(netns)![1]);

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
      env: { ...process.env, KUBECONFIG: NO_KUBECONFIG, REDIS_CHARTS_LOCAL_CLUSTER: clusterName },
    });
    const out = await waitForOutput(up, /Press Ctrl-C/, 540_000);
    expect(out).to.match(/starting the local cluster/);
    expect(out).to.match(/KUBECONFIG=\S+kubeconfig/);
    expect(out, 'the release namespace').to.match(/created namespace redis \(Pod Security "restricted" enforced\)/);
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

/** `up` validates the profile (with its --set overrides) before it starts or installs anything. */
describe('redis-charts up with an invalid profile', function () {
  this.timeout(60_000);
  let up: ChildProcess | undefined;

  // Should `up` ever get past validation, Ctrl-C makes it remove what it started.
  afterEach(() => {
    if (up && up.exitCode === null) up.kill('SIGINT');
  });

  it('refuses it with the file, key and fix, and starts no local cluster', async () => {
    const clusterName = `upbad${process.pid}`;
    const netnsBefore = new Set(clusterNetns());
    up = spawn(process.execPath, [CLI, 'up', path.join(REPO_ROOT, 'test', 'cli', 'fixtures', 'bad-quorum.yaml')], {
      cwd: REPO_ROOT,
      // With a valid profile, this would start the local cluster `clusterName`.
      env: { ...process.env, KUBECONFIG: NO_KUBECONFIG, REDIS_CHARTS_LOCAL_CLUSTER: clusterName },
    });
    let out = '';
    let err = '';
    up.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    up.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    const code = await new Promise<number | null>((r) => up!.once('exit', r));
    expect(code, `${out}${err}`).to.equal(1);
    expect(err).to.match(/bad-quorum\.yaml:\d+:\d+: sentinel\.quorum: .*Set sentinel\.quorum/);
    expect(out).to.not.match(/starting the local cluster|deploying/);
    expect(existsSync(path.join(CLUSTER_ROOT, clusterName)), 'a local cluster directory').to.equal(false);
    // Another test run may start its own cluster meanwhile: a node namespace that appeared must be in one of its slots.
    const otherSlots = new Set(listClusterNames().filter((n) => n !== clusterName).map((n) => readState(n)?.slot));
    const appeared = clusterNetns().filter((n) => !netnsBefore.has(n) && !otherSlots.has(slotOf(n)));
    expect(appeared, 'network namespaces of a local cluster node').to.deep.equal([]);
  });
});
