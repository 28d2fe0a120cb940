import { expect } from 'chai';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SandboxCluster } from '../../generator/cluster/sandbox/index.ts';
import { STATE_ROOT } from '../../generator/cluster/sandbox/cleanup.ts';
import { fixtureRender } from './fixtures.ts';
import { closeClients, once } from './helpers.ts';

const netnsList = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
const links = () => execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' });

/** Container processes of one sandbox instance: their root (or launch command) is inside its state dir. */
function sandboxProcesses(index: string): number[] {
  const dir = `${STATE_ROOT}/${index}/`;
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const root = readlinkSync(`/proc/${pid}/root`);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (root.startsWith(dir) || cmd.includes(dir)) out.push(Number(pid));
    } catch {}
  }
  return out;
}

/** Other processes (other engineers' test runs) may claim a freed slot at once; their things are not ours. */
function reclaimedByOther(index: string, ownerPid: number): boolean {
  try {
    return JSON.parse(readFileSync(`${STATE_ROOT}/${index}/owner.json`, 'utf8')).pid !== ownerPid;
  } catch {
    return false;
  }
}

function expectNothingLeft(instances: { index: string; ownerPid: number }[]): void {
  const ns = netnsList();
  const l = links();
  for (const { index, ownerPid } of instances) {
    expect(ns, 'netns left behind').to.not.contain(`rcs-${index}-${ownerPid}-`);
    if (reclaimedByOther(index, ownerPid)) continue;
    expect(existsSync(`${STATE_ROOT}/${index}`), 'state dir left behind').to.equal(false);
    expect(l, 'bridge left behind').to.not.match(new RegExp(`: rcsbr${index}[:@]`));
    expect(sandboxProcesses(index), 'processes left behind').to.deep.equal([]);
  }
  expect(readFileSync('/proc/self/mountinfo', 'utf8')).to.not.contain(STATE_ROOT);
  expect(readFileSync('/proc/1/mountinfo', 'utf8')).to.not.contain(STATE_ROOT);
}

function startChild(): Promise<{ child: ChildProcess; info: { network: { bridge: string; subnet: string }; ips: string[] } }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./child-install.ts', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => resolve({ child, info: JSON.parse(line) }));
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before installing`)));
  });
}

const exited = (c: ChildProcess) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)));

describe('sandbox: isolation and hygiene', function () {
  this.timeout(60_000);
  const clusters: SandboxCluster[] = [];
  const children: ChildProcess[] = [];

  afterEach(async () => {
    closeClients();
    for (const c of children.splice(0)) {
      c.kill('SIGKILL');
      await exited(c);
    }
    await Promise.all(clusters.splice(0).map((c) => c.destroy()));
  });

  it('gets a single-pod Redis StatefulSet ready in under 5 seconds', async () => {
    const cluster = new SandboxCluster({ render: fixtureRender('redis-replicated.yaml', { replicas: 1 }) });
    clusters.push(cluster);
    const t0 = Date.now();
    const release = await cluster.install({ release: 'fast', valuesFiles: [] });
    const ms = Date.now() - t0;
    console.log(`      time to ready (fresh sandbox, redis StatefulSet + exporter Deployment): ${ms} ms`);
    expect(ms).to.be.below(5000);
    expect((await release.pods()).every((p) => p.ready)).to.equal(true);
  });

  it('runs two sandboxes side by side without collisions, and leaves nothing after destroy', async () => {
    const a = new SandboxCluster({ render: fixtureRender('redis-replicated.yaml', { replicas: 1 }) });
    const b = new SandboxCluster({ render: fixtureRender('redis-replicated.yaml', { replicas: 1 }) });
    clusters.push(a, b);
    const [ra, rb] = await Promise.all([
      a.install({ release: 'demo', valuesFiles: [] }),
      b.install({ release: 'demo', valuesFiles: [] }),
    ]);
    expect(a.network!.bridge).to.not.equal(b.network!.bridge);
    expect(a.network!.subnet).to.not.equal(b.network!.subnet);
    await once(await ra.endpoint({ service: 'demo-redis' }, 6379), (c) => c.set('who', 'a'));
    await once(await rb.endpoint({ service: 'demo-redis' }, 6379), (c) => c.set('who', 'b'));
    expect(await once(await ra.endpoint({ pod: 'demo-redis-0' }, 6379), (c) => c.get('who'))).to.equal('a');
    expect(await once(await rb.endpoint({ pod: 'demo-redis-0' }, 6379), (c) => c.get('who'))).to.equal('b');
    const instances = [a, b].map((c) => ({ index: c.network!.bridge.slice('rcsbr'.length), ownerPid: process.pid }));
    expect(sandboxProcesses(instances[0]!.index).length).to.be.greaterThan(0);
    await Promise.all(clusters.splice(0).map((c) => c.destroy()));
    expectNothingLeft(instances);
  });

  it('cleans up after itself when the test process gets SIGTERM', async () => {
    const { child, info } = await startChild();
    children.push(child);
    const index = info.network.bridge.slice('rcsbr'.length);
    expect(netnsList()).to.contain(`rcs-${index}-${child.pid}-`);
    child.kill('SIGTERM');
    await exited(child);
    expectNothingLeft([{ index, ownerPid: child.pid! }]);
  });

  it('removes what a SIGKILLed run left behind when the next sandbox starts', async () => {
    const { child, info } = await startChild();
    children.push(child);
    const index = info.network.bridge.slice('rcsbr'.length);
    child.kill('SIGKILL');
    await exited(child);
    // The dead run's pods are still there: nothing ran its exit handlers.
    expect(netnsList()).to.contain(`rcs-${index}-${child.pid}-`);
    expect(sandboxProcesses(index).length).to.be.greaterThan(0);
    const next = new SandboxCluster({ render: fixtureRender('redis-replicated.yaml', { replicas: 1 }) });
    clusters.push(next);
    await next.install({ release: 'next', valuesFiles: [] });
    expect(netnsList()).to.not.contain(`rcs-${index}-${child.pid}-`);
    await next.destroy();
    expectNothingLeft([
      { index, ownerPid: child.pid! },
      { index: next.network!.bridge.slice('rcsbr'.length), ownerPid: process.pid },
    ]);
  });
});
