/**
 * Run as its own process by the hygiene tests: installs one Redis pod, prints the sandbox's claim, then idles
 * until it is killed (or told to exit), so the tests can check what a dying process leaves behind.
 */
import { SandboxCluster } from '../../generator/cluster/sandbox/index.ts';
import { fixtureRender } from './fixtures.ts';

const cluster = new SandboxCluster({ render: fixtureRender('redis-replicated.yaml', { replicas: 1 }) });
const release = await cluster.install({ release: 'child', valuesFiles: [], timeoutMs: 30_000 });
const pods = await release.pods();
process.stdout.write(JSON.stringify({ network: cluster.network, pids: process.pid, ips: pods.map((p) => p.ip) }) + '\n');
setInterval(() => {}, 1000);
