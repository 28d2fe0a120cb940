import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { clusterLayout } from '../../cluster/local/layout.ts';
import { removeDeadClusters, startCluster } from '../../cluster/local/lifecycle.ts';
import { netnsPids } from '../../cluster/local/network.ts';
import { readState } from '../../cluster/local/state.ts';
import { isAlive } from '../../cluster/local/process-identity.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { runQuietSync } from '../../toolchain/run.ts';

/** A cluster whose supervisor dies by SIGKILL leaves processes, namespaces and routes; the next start removes them. */
describe('local cluster hygiene', function () {
  this.timeout(600_000);

  it('removes everything a SIGKILLed supervisor left behind', async () => {
    const name = `crash${process.pid}`;
    const running = await startCluster({ name, nodeImages: 'system' });
    const state = readState(name)!;
    const layout = clusterLayout(name, state.slot);
    const componentPids = Object.values(state.processes).map((p) => p.pid);
    expect(componentPids.length).to.be.greaterThan(10);
    process.kill(state.supervisor!.pid, 'SIGKILL');
    await sleep(500);
    expect(isAlive(state.supervisor)).to.equal(false);
    // Its components outlive it: this is what a crash leaves.
    expect(netnsPids(layout.nodes[1]!.netns).length).to.be.greaterThan(0);
    expect(removeDeadClusters()).to.include(name);
    for (const pid of componentPids) expect(existsSync(`/proc/${pid}`), `pid ${pid}`).to.equal(false);
    expect(existsSync(running.layout.dir)).to.equal(false);
    for (const node of layout.nodes) expect(existsSync(`/run/netns/${node.netns}`), node.netns).to.equal(false);
    expect(existsSync(`/sys/class/net/${layout.bridge}`)).to.equal(false);
    const routes = runQuietSync('ip', ['route', 'show']);
    for (const cidr of [layout.nodeCidr, layout.podCidr, layout.serviceCidr]) expect(routes, cidr).to.not.include(cidr);
    expect(runQuietSync('grep', [layout.dir, '/proc/self/mountinfo'])).to.equal('');
  });

  it('removes a test run\'s cluster when that run dies without stopping it', async () => {
    const owner = spawn('sleep', ['600'], { stdio: 'ignore' });
    const name = `owned${process.pid}`;
    await startCluster({ name, ownedBy: owner.pid!, nodeImages: 'system' });
    const layout = clusterLayout(name, readState(name)!.slot);
    owner.kill('SIGKILL');
    const deadline = Date.now() + 60_000;
    while (existsSync(layout.dir) && Date.now() < deadline) await sleep(500);
    expect(existsSync(layout.dir), 'cluster directory removed by its supervisor').to.equal(false);
    expect(existsSync(`/sys/class/net/${layout.bridge}`)).to.equal(false);
  });
});
