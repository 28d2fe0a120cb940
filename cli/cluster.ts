import { KUBERNETES_VERSION } from '../cluster/local/layout.ts';
import { clusterStatus, startCluster, stopCluster } from '../cluster/local/lifecycle.ts';
import { parse, UsageError, type Command } from './command.ts';

/** The local cluster `cluster up` and `up` use; REDIS_CHARTS_LOCAL_CLUSTER names another (tests run their own). */
export const DEFAULT_LOCAL_CLUSTER = process.env['REDIS_CHARTS_LOCAL_CLUSTER'] || 'local';

export const clusterCommand: Command = {
  name: 'cluster',
  summary: 'the local Kubernetes cluster on this machine: up, down, status',
  help: `Usage: redis-charts cluster up|down|status [--name NAME]

The local cluster is real Kubernetes (${KUBERNETES_VERSION}) built on this machine from upstream Go modules: etcd, the API server,
controller manager and scheduler, one control-plane node and three workers (each its own network namespace with
containerd, kubelet, kube-proxy and a NetworkPolicy enforcer), CoreDNS and a default StorageClass. Linux and root.

  up      start it (building what is missing) and leave it running; prints KUBECONFIG=<path> and the context name
  down    stop it and remove everything it created (processes, mounts, namespaces, links, routes, containerd state)
  status  list local clusters on this machine and their state

Examples:
  redis-charts cluster up && export $(redis-charts cluster up | grep ^KUBECONFIG=)
  redis-charts up ha-production --kube-context redis-charts-local
  redis-charts cluster down`,
  async run(argv) {
    const { values, positionals } = parse(argv, { name: { type: 'string' } });
    const name = values.name ?? DEFAULT_LOCAL_CLUSTER;
    switch (positionals[0]) {
      case 'up': {
        const started = Date.now();
        // Ctrl-C while it starts removes what was started; once it is up, the cluster no longer depends on this process.
        const interrupt = () => {
          console.log(`\ninterrupted: removing the local cluster ${name}...`);
          void stopCluster(name).then(() => process.exit(130));
        };
        process.once('SIGINT', interrupt);
        const cluster = await startCluster({ name, log: (line) => console.log(`  ${line}`) });
        process.off('SIGINT', interrupt);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(cluster.reused ? `local cluster ${name} is already running` : `local cluster ${name} is ready in ${seconds} s`);
        console.log(`KUBECONFIG=${cluster.kubeconfig}`);
        console.log(`context: ${cluster.contextName}`);
        return 0;
      }
      case 'down':
        console.log((await stopCluster(name)) ? `local cluster ${name} is down` : `no local cluster ${name} (see \`redis-charts cluster status\`)`);
        return 0;
      case 'status': {
        const clusters = clusterStatus();
        if (clusters.length === 0) console.log('no local cluster on this machine');
        for (const c of clusters) {
          console.log(`${c.name}: ${c.phase}, started ${c.startedAt}${c.owner ? `, lives as long as pid ${c.owner}` : ''}`);
          console.log(`  KUBECONFIG=${c.kubeconfig}  context: ${c.contextName}`);
        }
        return 0;
      }
      default:
        throw new UsageError(`expected up, down or status, got ${positionals[0] ?? 'nothing'}`);
    }
  },
};
