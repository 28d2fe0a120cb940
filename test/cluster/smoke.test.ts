import { expect } from 'chai';
import { buildImages } from '../../cluster/local/images/index.ts';
import { KUBERNETES_VERSION } from '../../cluster/local/layout.ts';
import { toolsDir } from '../../cluster/local/tools.ts';
import { waitFor } from '../../cluster/wait-for.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { failNode, restoreNode } from '../../cluster/local/faults.ts';
import { kubectl, localCluster, stopLocalCluster, testClusterName } from '../support/local-cluster.ts';

/** The local cluster is real Kubernetes: what the charts rely on works as on any conformant cluster. */
describe('local cluster: real Kubernetes on this machine', function () {
  this.timeout(300_000);
  const ns = 'smoke';
  let redisImage = '';
  let toolsImage = '';

  // JSON, not YAML: kubectl reads YAML 1.1, where a bare `no` is a boolean.
  const apply = (...objects: Record<string, unknown>[]) => kubectl(['apply', '-n', ns, '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  const json = async (args: string[]) => JSON.parse(await kubectl([...args, '-o', 'json'])) as Record<string, any>;
  const exec = (pod: string, cmd: string) => kubectl(['exec', '-n', ns, pod, '--', 'sh', '-c', cmd]);
  const secure = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  const redisContainer = () => ({
    name: 'redis', image: redisImage, command: ['redis-server', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
    ports: [{ containerPort: 6379, name: 'redis' }], securityContext: secure,
    readinessProbe: { exec: { command: ['redis-cli', 'PING'] }, periodSeconds: 1 },
  });
  const clientPod = (name: string, labels: Record<string, string> = {}) => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels },
    spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'client', image: toolsImage, command: ['sleep', '3600'], securityContext: secure }] },
  });
  const waitPodReady = (pod: string) => kubectl(['wait', '-n', ns, '--for=condition=Ready', `pod/${pod}`, '--timeout=120s']);

  before(async function () {
    this.timeout(900_000);
    await localCluster();
    const images = await buildImages({ outDir: join(toolsDir(), 'images') });
    redisImage = images.find((i) => i.name.includes('/redis:'))!.name;
    toolsImage = images.find((i) => i.name.includes('/redis-tools:'))!.name;
    await kubectl(['create', 'namespace', ns]);
    await apply(clientPod('client', { role: 'client' }), clientPod('stranger'));
    await waitPodReady('client');
    await waitPodReady('stranger');
  });

  it(`has one control-plane node and three Ready workers, all ${KUBERNETES_VERSION}`, async () => {
    const nodes = (await json(['get', 'nodes'])).items as any[];
    expect(nodes).to.have.length(4);
    for (const node of nodes) {
      expect(node.status.nodeInfo.kubeletVersion).to.equal(KUBERNETES_VERSION);
      expect(node.status.conditions.find((c: any) => c.type === 'Ready').status, node.metadata.name).to.equal('True');
    }
    const cp = nodes.filter((n) => 'node-role.kubernetes.io/control-plane' in n.metadata.labels);
    expect(cp).to.have.length(1);
    expect(cp[0].spec.taints).to.deep.include({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' });
    expect(await kubectl(['version'])).to.include(`Server Version: ${KUBERNETES_VERSION}`);
  });

  it('restarts a crashing container in place and keeps its logs', async () => {
    await apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'crasher' },
      spec: { containers: [{ name: 'c', image: toolsImage, command: ['sh', '-c', 'echo started; sleep 1; exit 3'], securityContext: secure }] } });
    const status = await waitFor('the crashing container to be restarted', 120_000, async () => {
      const pod = await json(['get', '-n', ns, 'pod', 'crasher']);
      const c = pod.status?.containerStatuses?.[0];
      return c && c.restartCount >= 1 ? c : undefined;
    });
    expect(status.lastState.terminated.exitCode).to.equal(3);
    // Right after the restart the kubelet may still be switching containers ("unable to retrieve container logs"): ask again.
    const previous = await waitFor('the previous container\'s log', 30_000, async () => {
      const log = await kubectl(['logs', '-n', ns, 'crasher', '--previous']).catch((e: Error) => e.message);
      return /unable to retrieve container logs/.test(log) ? undefined : log;
    });
    expect(previous).to.include('started');
  });

  it('routes ClusterIP and headless Services and resolves their DNS names', async () => {
    const labels = { app: 'echo' };
    await apply(
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo-headless' }, spec: { clusterIP: 'None', selector: labels, ports: [{ port: 6379 }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo' }, spec: { selector: labels, ports: [{ port: 6379 }] } },
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'echo' },
        spec: { serviceName: 'echo-headless', replicas: 2, selector: { matchLabels: labels }, podManagementPolicy: 'Parallel',
          template: { metadata: { labels }, spec: { terminationGracePeriodSeconds: 0, containers: [redisContainer()] } } } },
    );
    await kubectl(['rollout', 'status', '-n', ns, 'statefulset/echo', '--timeout=120s']);
    // kube-proxy programs a new Service within moments of its endpoints becoming ready, not at the same instant.
    await waitFor('the Service to route', 30_000, async () => ((await exec('client', `redis-cli -h echo.${ns}.svc.cluster.local PING`)).trim() === 'PONG' ? true : undefined));
    expect((await exec('client', `redis-cli -h echo-1.echo-headless.${ns}.svc.cluster.local PING`)).trim()).to.equal('PONG');
    const podIps = ((await json(['get', '-n', ns, 'pods', '-l', 'app=echo'])).items as any[]).map((p) => p.status.podIP).sort();
    const resolved = await exec('client', `nslookup echo-headless.${ns}.svc.cluster.local`);
    for (const ip of podIps) expect(resolved).to.include(ip);
    const clusterIp = (await json(['get', '-n', ns, 'service', 'echo'])).spec.clusterIP;
    expect(await exec('client', `nslookup echo.${ns}.svc.cluster.local`)).to.include(clusterIp);
  });

  it('binds a claim only once its pod is scheduled (WaitForFirstConsumer) and keeps the data on that node', async () => {
    await apply({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Mi' } } } });
    await sleep(3000);
    expect((await json(['get', '-n', ns, 'pvc', 'data'])).status.phase).to.equal('Pending');
    const writer = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: { terminationGracePeriodSeconds: 0, securityContext: { fsGroup: 1000 },
        containers: [{ name: 'c', image: toolsImage, command: ['sleep', '3600'], securityContext: secure, volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } });
    await apply(writer('writer'));
    await waitPodReady('writer');
    const pvc = await json(['get', '-n', ns, 'pvc', 'data']);
    expect(pvc.status.phase).to.equal('Bound');
    const pv = await json(['get', 'pv', pvc.spec.volumeName]);
    const node = (await json(['get', '-n', ns, 'pod', 'writer'])).spec.nodeName;
    expect(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values).to.deep.equal([node]);
    await exec('writer', 'echo kept > /data/file');
    await kubectl(['delete', '-n', ns, 'pod', 'writer', '--wait=true']);
    await apply(writer('reader'));
    await waitPodReady('reader');
    expect((await json(['get', '-n', ns, 'pod', 'reader'])).spec.nodeName).to.equal(node);
    expect((await exec('reader', 'cat /data/file')).trim()).to.equal('kept');
  });

  it('enforces NetworkPolicy: deny-all cuts a client off, an allow rule for its label lets it back in', async () => {
    const ping = async (pod: string) => (await kubectl(['exec', '-n', ns, pod, '--', 'timeout', '3', 'redis-cli', '-h', `echo.${ns}.svc.cluster.local`, 'PING']).catch((e: Error) => e.message)).trim();
    expect(await ping('client')).to.equal('PONG');
    await apply({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-all' }, spec: { podSelector: { matchLabels: { app: 'echo' } }, policyTypes: ['Ingress'] } });
    await waitFor('the deny-all policy to cut the client off', 30_000, async () => ((await ping('client')) === 'PONG' ? undefined : true));
    await apply({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-clients' },
      spec: { podSelector: { matchLabels: { app: 'echo' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }], ports: [{ port: 6379 }] }] } });
    await waitFor('the allow rule to let the client back in', 30_000, async () => ((await ping('client')) === 'PONG' ? true : undefined));
    expect(await ping('stranger')).to.not.equal('PONG');
    await kubectl(['delete', '-n', ns, 'networkpolicy', 'deny-all', 'allow-clients']);
  });

  it('fails a node for real: it turns NotReady, its pod stays bound to it and out of reach, and both come back', async () => {
    // A pod on another node than the client, so the client stays up to see it vanish.
    const clientNode = (await json(['get', '-n', ns, 'pod', 'client'])).spec.nodeName;
    const echoes = (await json(['get', '-n', ns, 'pods', '-l', 'app=echo'])).items as any[];
    const before = echoes.find((p) => p.spec.nodeName !== clientNode);
    if (!before) throw new Error(`both echo pods run on ${clientNode} with the client`);
    const podName: string = before.metadata.name;
    const node: string = before.spec.nodeName;
    const ping = () => exec('client', `timeout 3 redis-cli -h ${before.status.podIP} PING`).then((o) => o.trim(), () => 'unreachable');
    const ready = async () => (await json(['get', 'node', node])).status.conditions.find((c: any) => c.type === 'Ready').status;
    expect(await ping()).to.equal('PONG');
    await failNode(testClusterName(), node);
    try {
      await waitFor(`node ${node} to turn NotReady`, 150_000, async () => ((await ready()) !== 'True' ? true : undefined), 2000);
      expect(await ping()).to.equal('unreachable');
      // StatefulSet semantics: the pod is neither replaced nor moved while its node is merely unreachable.
      const during = await json(['get', '-n', ns, 'pod', podName]);
      expect(during.metadata.uid).to.equal(before.metadata.uid);
      expect(during.spec.nodeName).to.equal(node);
    } finally {
      await restoreNode(testClusterName(), node);
    }
    await waitFor(`node ${node} to be Ready again`, 120_000, async () => ((await ready()) === 'True' ? true : undefined), 2000);
    await waitFor('the pod to answer again', 60_000, async () => ((await ping()) === 'PONG' ? true : undefined), 1000);
    expect((await json(['get', '-n', ns, 'pod', podName])).metadata.uid).to.equal(before.metadata.uid);
  });

  it('refuses a write to a read-only root filesystem', async () => {
    await apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'readonly' },
      spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: toolsImage, command: ['sleep', '3600'], securityContext: { ...secure, readOnlyRootFilesystem: true } }] } });
    await waitPodReady('readonly');
    const error = await exec('readonly', 'touch /probe').then(() => 'no error', (e: Error) => e.message);
    expect(error).to.match(/Read-only file system/);
  });

  it('drains a node through the eviction API and honours a PodDisruptionBudget', async () => {
    const node = (await json(['get', '-n', ns, 'pod', 'echo-0'])).spec.nodeName;
    const labels = { app: 'guarded' };
    await apply(
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'guarded' }, spec: { minAvailable: 2, selector: { matchLabels: labels } } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'guarded' },
        spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: {
          terminationGracePeriodSeconds: 0,
          affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] } }] } },
          containers: [redisContainer()] } } } },
    );
    await kubectl(['rollout', 'status', '-n', ns, 'deployment/guarded', '--timeout=120s']);
    const drain = () => kubectl(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--pod-selector', 'app=guarded', '--timeout=15s']).then((out) => out, (e: Error) => `FAILED ${e.message}`);
    try {
      const blocked = await drain();
      expect(blocked).to.match(/FAILED[\s\S]*disruption budget/);
      expect((await json(['get', '-n', ns, 'deployment', 'guarded'])).status.readyReplicas).to.equal(2);
      await kubectl(['patch', '-n', ns, 'pdb', 'guarded', '--type', 'merge', '-p', '{"spec":{"minAvailable":1}}']);
      await sleep(1000);
      const drained = await kubectl(['drain', node, '--ignore-daemonsets', '--delete-emptydir-data', '--pod-selector', 'app=guarded', '--timeout=120s']);
      expect(drained).to.match(/evicted/);
      const pods = (await json(['get', '-n', ns, 'pods', '-l', 'app=guarded'])).items as any[];
      expect(pods.filter((p) => p.spec.nodeName === node && !p.metadata.deletionTimestamp)).to.have.length(0);
    } finally {
      await kubectl(['uncordon', node]);
    }
  });

  // Stopped when the suite ends, so timing-sensitive suites after it do not share the CPUs with an idle cluster.
  after(async function () {
    this.timeout(120_000);
    await stopLocalCluster();
  });
});
