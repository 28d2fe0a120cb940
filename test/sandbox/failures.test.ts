import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { SandboxCluster, SandboxUnavailableError, type SandboxRelease } from '../../generator/cluster/sandbox/index.ts';
import { fixtureRender, inlineRender } from './fixtures.ts';

const statefulSet = (name: string, container: string, extra = '') => `
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: ${name} }
spec:
  replicas: 1
  serviceName: ${name}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
${extra}      containers:
${container}
`;

describe('sandbox: failures are visible', function () {
  this.timeout(60_000);
  const clusters: SandboxCluster[] = [];
  const make = (render: ConstructorParameters<typeof SandboxCluster>[0]['render']) => {
    const c = new SandboxCluster({ render });
    clusters.push(c);
    return c;
  };

  afterEach(async () => {
    await Promise.all(clusters.splice(0).map((c) => c.destroy()));
  });

  it('fails install when a container keeps exiting, naming pod, container, exit code and log', async () => {
    const cluster = make(fixtureRender('broken.yaml'));
    const err = await cluster.install({ release: 'bad', valuesFiles: [], timeoutMs: 3000 }).catch((e: Error) => e);
    expect(err).to.be.instanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).to.contain('pod default/bad-crash-0');
    expect(msg).to.contain('container main (image redis:7.2)');
    expect(msg).to.contain('last exit code 3');
    expect(msg).to.contain('FATAL: cannot open /etc/redis/missing.conf');
    expect(msg).to.match(/restarts [1-9]/);
  });

  it('fails waitReady on a release installed without waiting', async () => {
    const cluster = make(fixtureRender('broken.yaml'));
    const release = await cluster.install({ release: 'bad', valuesFiles: [], wait: false });
    const err = await release.waitReady({ timeoutMs: 2000 }).catch((e: Error) => e);
    expect(String(err)).to.contain('FATAL: cannot open /etc/redis/missing.conf');
    expect(String(err)).to.contain('not ready: bad-crash-0');
  });

  it('refuses an image it cannot map, naming the image and the pod, before starting anything', async () => {
    const yaml = statefulSet('bad', '        - { name: redis, image: "bitnami/redis:7.2.4", command: ["redis-server"] }');
    const cluster = make(inlineRender(yaml));
    const err = await cluster.install({ release: 'bad', valuesFiles: [] }).catch((e: Error) => e);
    expect(String(err)).to.contain('image "bitnami/redis:7.2.4" (pod bad-0, container redis) is not available');
  });

  it('refuses a kind with runtime meaning it does not implement', async () => {
    const yaml = `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: { name: node-agent }\nspec: {}\n`;
    const err = await make(inlineRender(yaml)).install({ release: 'x', valuesFiles: [] }).catch((e: Error) => e);
    expect(String(err)).to.contain('DaemonSet/node-agent cannot run in the sandbox');
  });

  it('retries a failing init container and keeps its log', async () => {
    const yaml = statefulSet(
      'initretry',
      '        - { name: redis, image: "redis:7", command: ["redis-server", "--port", "6380"] }',
      `      initContainers:
        - name: once
          image: redis:7
          command: ["sh", "-c", "if [ -f /w/tried ]; then echo second attempt ok; else touch /w/tried; echo first attempt failed; exit 1; fi"]
          volumeMounts: [{ name: w, mountPath: /w }]
      volumes: [{ name: w, emptyDir: {} }]
`,
    );
    const release = (await make(inlineRender(yaml)).install({ release: 'r', valuesFiles: [], timeoutMs: 10_000 })) as SandboxRelease;
    expect(await release.logs('initretry-0', 'once', { previous: true })).to.contain('first attempt failed');
    expect(await release.logs('initretry-0', 'once')).to.contain('second attempt ok');
  });

  it('retries a failing Job pod up to backoffLimit (restartPolicy Never) and reports failure with logs', async () => {
    const yaml = `
apiVersion: batch/v1
kind: CronJob
metadata: { name: flaky }
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      backoffLimit: 1
      template:
        spec:
          restartPolicy: Never
          containers:
            - { name: job, image: "redis:7", command: ["sh", "-c", "echo attempt on $(hostname); exit 2"] }
`;
    const release = await make(inlineRender(yaml)).install({ release: 'j', valuesFiles: [] });
    const run = await release.runCronJob('flaky', { timeoutMs: 20_000 });
    expect(run.succeeded).to.equal(false);
    expect(run.logs.match(/attempt on flaky-\d+-[a-z0-9]{5}/g)).to.have.length(2);
  });

  it('starts Parallel StatefulSet pods together and OrderedReady ones one by one', async () => {
    const sts = (name: string, policy: string) => `
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: ${name} }
spec:
  replicas: 3
  podManagementPolicy: ${policy}
  serviceName: ${name}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: redis
          image: redis:7
          command: ["redis-server"]
          readinessProbe: { tcpSocket: { port: 6379 }, initialDelaySeconds: 1, periodSeconds: 1 }
`;
    const release = await make(inlineRender(`${sts('par', 'Parallel')}\n---\n${sts('ord', 'OrderedReady')}`)).install({
      release: 'p',
      valuesFiles: [],
      wait: false,
    });
    await new Promise((r) => setTimeout(r, 500));
    const early = (await release.pods()).map((p) => p.name).sort();
    expect(early).to.deep.equal(['ord-0', 'par-0', 'par-1', 'par-2']);
    await release.waitReady({ timeoutMs: 15_000 });
    expect((await release.pods()).length).to.equal(6);
  });

  it('refuses to run without root, saying why and what to do instead', function () {
    const script = `import { SandboxCluster } from ${JSON.stringify(new URL('../../generator/cluster/sandbox/index.ts', import.meta.url).pathname)};
      try { SandboxCluster.assertAvailable(); console.log('available'); } catch (e) { console.log(e.name + ': ' + e.message); }`;
    const r = spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: process.cwd(),
      env: { ...process.env, HOME: '/tmp' },
    });
    expect(r.stdout, r.stderr).to.contain('SandboxUnavailableError: The process sandbox cannot run here: it must run as root');
    expect(r.stdout).to.contain('--kube-context');
    expect(new SandboxUnavailableError('x').message).to.contain('Run the tests as root on Linux');
  });
});
