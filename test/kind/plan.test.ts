import { expect } from 'chai';
import { CommandRunner, KubeCluster, formatStep } from '../../cluster/kube/index.ts';
import { helmBinary } from '../../toolchain/tools.ts';
import { scenarioModules } from '../scenarios/index.ts';
import { profileFile } from '../scenarios/scenario.ts';

/** A failover scenario's install (profile and overrides as the scenario declares them). */
const failover = scenarioModules['ha']?.find((s) => /^node failure under the master: a new master/.test(s.name));

describe('kind driver: dry-run plan', () => {
  it('plans the ha-production install and a failover pod kill without touching a cluster', async function () {
    if (!failover) throw new Error('the ha failover scenario is not registered in test/scenarios/index.ts');
    this.timeout(60_000);
    const printed: string[] = [];
    const runner = new CommandRunner('dry-run', { binaries: { helm: helmBinary(4) }, onStep: (l) => printed.push(l) });
    const cluster = new KubeCluster({ runner, clusterName: 'redis-charts' });
    const release = await cluster.install({ release: 'ha', valuesFiles: [profileFile(failover.profile)], values: failover.values });
    await release.deletePod('ha-redis-0', { graceful: false });
    await release.deletePod('ha-redis-1', { graceful: true });
    await release.uninstall();
    await cluster.destroy();

    const plan = runner.plan();
    expect(printed).to.deep.equal(plan);
    const at = (re: RegExp) => {
      const i = plan.findIndex((l) => re.test(l));
      expect(i, `plan has a line matching ${re}:\n${plan.join('\n')}`).to.be.at.least(0);
      return i;
    };
    const ns = at(/^kubectl --context kind-redis-charts create namespace rc-ha {2}# via client-node$/);
    const install = at(/^helm upgrade --install ha \S*charts\/redis -f values\/ha-production\.yaml -f \S+overrides\.yaml --wait --timeout 600s --namespace rc-ha --kube-context kind-redis-charts$/);
    // The dry run renders the chart locally, so it knows which workloads the install waits for.
    const rollout = at(/^# wait for statefulset\/ha-redis to roll out$/);
    at(/^# wait for statefulset\/ha-sentinel to roll out$/);
    const kill = at(/^kubectl --context kind-redis-charts delete pod ha-redis-0 -n rc-ha --wait=false --grace-period=0 --force {2}# via client-node$/);
    const gone = at(/^# wait for the old pod ha-redis-0 to be gone$/);
    at(/^kubectl --context kind-redis-charts delete pod ha-redis-1 -n rc-ha --wait=false {2}# via client-node$/);
    const uninstall = at(/^helm uninstall ha --wait --ignore-not-found --namespace rc-ha --kube-context kind-redis-charts$/);
    const dropNs = at(/^kubectl --context kind-redis-charts delete namespace rc-ha --wait=false/);
    expect([ns, install, rollout, kill, gone, uninstall, dropNs]).to.deep.equal([ns, install, rollout, kill, gone, uninstall, dropNs].sort((a, b) => a - b));
    expect(plan.filter((l) => l.startsWith('helm upgrade'))).to.have.length(1);
  });

  it('quotes words a shell would split and shows repository paths relative to it', () => {
    expect(formatStep({ kind: 'command', tool: 'kubectl', args: ['exec', 'p', '--', 'sh', '-c', "echo 'a b'"] }))
      .to.equal(`kubectl exec p -- sh -c 'echo '\\''a b'\\'''`);
    expect(formatStep({ kind: 'wait', what: 'pod x to be ready' })).to.equal('# wait for pod x to be ready');
  });

  it('runs local commands for real in a dry run and records the rest', async () => {
    const runner = new CommandRunner('dry-run', { binaries: { helm: helmBinary(4) } });
    const local = await runner.command('helm', ['version', '--short'], { local: true });
    const remote = await runner.command('kind', ['create', 'cluster']);
    expect(local.stdout).to.match(/^v4\./);
    expect(remote).to.deep.equal({ stdout: '', stderr: '', code: 0 });
    expect(runner.plan()).to.deep.equal(['helm version --short', 'kind create cluster']);
  });
});
