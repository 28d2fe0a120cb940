import { expect } from 'chai';
import { SandboxCluster, type SandboxRelease } from '../../generator/cluster/sandbox/index.ts';
import { closeClients, eventually, once, PASSWORD, redis } from './helpers.ts';
import { fixtureRender } from './fixtures.ts';

const STS0 = 'demo-redis-0';
const STS1 = 'demo-redis-1';

describe('sandbox: replicated Redis StatefulSet from rendered manifests', function () {
  this.timeout(90_000);
  let cluster: SandboxCluster;
  let release: SandboxRelease;

  before(async () => {
    cluster = new SandboxCluster({ render: fixtureRender('redis-replicated.yaml', { replicas: 2 }) });
    release = (await cluster.install({ release: 'demo', valuesFiles: [], timeoutMs: 60_000 })) as SandboxRelease;
  });

  afterEach(() => closeClients());

  after(async () => {
    closeClients();
    await cluster?.destroy();
  });

  async function waitReplicaInSync(): Promise<void> {
    await eventually(async () => {
      const info = await once(await release.endpoint({ pod: STS1 }, 6379), (c) => c.info('replication'));
      expect(info).to.match(/master_link_status:up/);
    });
  }

  it('runs every StatefulSet and Deployment pod and ignores objects without runtime meaning', async () => {
    const pods = await release.pods();
    expect(pods.map((p) => p.name)).to.include.members([STS0, STS1]);
    expect(pods.every((p) => p.ready && p.phase === 'Running')).to.equal(true);
    const exporter = pods.find((p) => p.owner?.kind === 'Deployment');
    expect(exporter?.name).to.match(/^demo-redis-exporter-[a-z0-9]{10}-[a-z0-9]{5}$/);
    expect(new Set(pods.map((p) => p.ip)).size).to.equal(pods.length);
    expect(release.manifests.some((m) => m.kind === 'ServiceMonitor')).to.equal(true);
  });

  it('replicates a write on pod 0 to pod 1, which found its master by cluster DNS name', async () => {
    await waitReplicaInSync();
    await once(await release.endpoint({ pod: STS0 }, 6379), (c) => c.set('greeting', 'hello'));
    await eventually(async () => {
      expect(await once(await release.endpoint({ pod: STS1 }, 6379), (c) => c.get('greeting'))).to.equal('hello');
    });
    const conf = await release.exec(STS1, 'redis', ['cat', '/etc/redis/redis.conf']);
    expect(conf.stdout).to.contain('replicaof demo-redis-0.demo-redis-headless.default.svc.cluster.local 6379');
  });

  it('gives the password from the Secret through env (requirepass) and the mounted file (masterauth)', async () => {
    expect(await release.secret('demo-redis-auth')).to.deep.equal({ password: PASSWORD, username: 'default' });
    const ep = await release.endpoint({ pod: STS0 }, 6379);
    const err = await once(ep, (c) => c.ping(), '').catch((e: Error) => e);
    expect(String(err)).to.match(/NOAUTH|Authentication required/);
    const env = await release.exec(STS0, 'redis', ['sh', '-c', 'echo "$REDIS_PASSWORD"']);
    expect(env.stdout.trim()).to.equal(PASSWORD);
    await waitReplicaInSync();
  });

  it('runs containers in their own root, user, hostname and DNS view', async () => {
    const r = await release.exec(STS1, 'redis', [
      'sh',
      '-c',
      'hostname; id -u; id -G; pwd; getent hosts demo-redis-0.demo-redis-headless.default.svc.cluster.local demo-redis; ' +
        'touch /rootfs-write 2>&1 || true; ls /usr/local/bin | tr "\\n" " "',
    ]);
    expect(r.code).to.equal(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).to.equal(STS1);
    expect(lines[1]).to.equal('999');
    expect(lines[2]).to.equal('999');
    expect(lines[3]).to.equal('/data');
    const pod0 = (await release.pods()).find((p) => p.name === STS0)!;
    expect(r.stdout).to.match(new RegExp(`^${pod0.ip!.replaceAll('.', '\\.')}\\s+demo-redis-0\\.demo-redis-headless`, 'm'));
    expect(r.stdout).to.match(/Read-only file system/);
    expect(r.stdout).to.contain('valkey-server');
    const valkey = await release.exec(STS1, 'redis', ['valkey-cli', '-a', PASSWORD, '--no-auth-warning', 'ping']);
    expect(valkey.stdout.trim()).to.equal('PONG');
  });

  it('keeps init container logs and serves container logs', async () => {
    expect(await release.logs(STS1, 'config')).to.contain('config written for ordinal 1 as 999:999');
    expect(await release.logs(STS0, 'redis')).to.match(/Ready to accept connections/);
  });

  it('reaches a Deployment through its ClusterIP Service (exporter scraping Redis via the redis Service)', async () => {
    const ep = await release.endpoint({ service: 'demo-redis-exporter' }, 9121);
    const body = await eventually(async () => {
      const text = await (await fetch(`http://${ep.host}:${ep.port}/metrics`)).text();
      expect(text).to.match(/^redis_up 1$/m);
      return text;
    });
    expect(body).to.contain('redis_connected_clients');
  });

  it('routes a ClusterIP Service only to ready pods (readiness gates endpoints)', async () => {
    const svc = await release.endpoint({ service: 'demo-redis' }, 6379);
    const roles = async () => {
      const out = new Set<string>();
      for (let i = 0; i < 8; i++) out.add(await once(svc, async (c) => /role:(\w+)/.exec(await c.info('replication'))![1]!));
      return out;
    };
    expect([...(await roles())].sort()).to.deep.equal(['master', 'slave']);
    await release.exec(STS1, 'redis', ['touch', '/tmp/unready']);
    await eventually(async () => expect((await release.pods()).find((p) => p.name === STS1)!.ready).to.equal(false), 10_000);
    expect([...(await roles())]).to.deep.equal(['master']);
    await release.exec(STS1, 'redis', ['rm', '/tmp/unready']);
    await release.waitPodReady(STS1, 10_000);
  });

  it('restarts a container whose liveness probe fails (a hung Redis)', async () => {
    const before = (await release.pods()).find((p) => p.name === STS1)!;
    // DEBUG SLEEP blocks Redis: the exec liveness probe (redis-cli ping, timeoutSeconds 2) times out twice.
    const hang = release.exec(STS1, 'redis', ['redis-cli', '-a', PASSWORD, '--no-auth-warning', 'debug', 'sleep', '7']).catch(() => undefined);
    await eventually(async () => {
      const p = (await release.pods()).find((x) => x.name === STS1)!;
      expect(p.restarts).to.equal(before.restarts + 1);
    }, 20_000);
    await hang;
    await release.waitPodReady(STS1, 15_000);
    const previous = await release.logs(STS1, 'redis', { previous: true });
    expect(previous).to.match(/Received SIGTERM/);
    expect(await release.logs(STS1, 'redis')).to.not.match(/Received SIGTERM/);
  });

  it('cuts a pod off the network in both directions and heals it', async () => {
    const ep = await release.endpoint({ pod: STS1 }, 6379);
    const c = redis(ep);
    expect(await c.ping()).to.equal('PONG');
    await release.cutNetwork(STS1);
    try {
      const err = await c.ping().catch((e: Error) => e);
      expect(err).to.be.instanceOf(Error);
      const fromPod0 = await release.exec(STS0, 'redis', ['redis-cli', '-h', 'demo-redis-1.demo-redis-headless', '-t', '1', '-a', PASSWORD, '--no-auth-warning', 'ping'], { timeoutMs: 5000 });
      expect(fromPod0.stdout + fromPod0.stderr).to.not.contain('PONG');
      const outbound = await release.exec(STS1, 'redis', ['redis-cli', '-h', 'demo-redis', '-t', '1', '-a', PASSWORD, '--no-auth-warning', 'ping'], { timeoutMs: 5000 });
      expect(outbound.stdout + outbound.stderr).to.not.contain('PONG');
    } finally {
      await release.healNetwork(STS1);
    }
    await eventually(async () => expect(await once(ep, (x) => x.ping())).to.equal('PONG'));
  });

  it('creates a Job from a CronJob and runs it to completion', async () => {
    const run = await release.runCronJob('demo-redis-backup', { timeoutMs: 30_000 });
    expect(run.succeeded, run.logs).to.equal(true);
    expect(run.jobName).to.match(/^demo-redis-backup-\d+$/);
    expect(run.logs).to.contain('role via service: PONG');
    expect(run.logs).to.contain('backup done');
    const last = await once(await release.endpoint({ pod: STS0 }, 6379), (c) => c.get('backup:last'));
    expect(last).to.match(/^demo-redis-backup-\d+-[a-z0-9]{5}$/);
  });

  it('re-creates a gracefully deleted pod with the same name, its data and a new IP, after running preStop', async () => {
    const ep0 = await release.endpoint({ pod: STS0 }, 6379);
    await once(ep0, (c) => c.set('survives', 'graceful'));
    const oldIp = ep0.host;
    const t0 = Date.now();
    await release.deletePod(STS0, { graceful: true, wait: true });
    const p0 = (await release.pods()).find((p) => p.name === STS0)!;
    expect(p0.ready).to.equal(true);
    expect(p0.ip).to.not.equal(oldIp);
    expect(Date.now() - t0).to.be.below(10_000);
    expect(await once(await release.endpoint({ pod: STS0 }, 6379), (c) => c.get('survives'))).to.equal('graceful');
    const marker = await release.exec(STS0, 'redis', ['cat', '/data/pre-stop-ran']);
    expect(marker.code).to.equal(0);
  });

  it('re-creates a SIGKILLed pod with its data from the claim directory', async () => {
    await once(await release.endpoint({ pod: STS0 }, 6379), (c) => c.set('survives', 'sigkill'));
    await release.deletePod(STS0, { graceful: false });
    expect((await release.pods()).some((p) => p.name === STS0 && p.ready)).to.equal(false);
    await release.waitPodReady(STS0, 20_000);
    expect(await once(await release.endpoint({ pod: STS0 }, 6379), (c) => c.get('survives'))).to.equal('sigkill');
    await waitReplicaInSync();
  });

  it('restarts a StatefulSet highest ordinal first', async () => {
    const order: string[] = [];
    const watch = setInterval(async () => {
      for (const p of await release.pods()) if (!p.ready && !order.includes(p.name)) order.push(p.name);
    }, 20);
    try {
      await release.rolloutRestart('StatefulSet', 'demo-redis', { timeoutMs: 60_000 });
    } finally {
      clearInterval(watch);
    }
    expect(order.filter((n) => n.startsWith('demo-redis-'))).to.deep.equal([STS1, STS0]);
    await release.waitReady({ timeoutMs: 20_000 });
  });

  it('restarts a Deployment by surging a new pod from a new template hash', async () => {
    const old = (await release.pods()).find((p) => p.owner?.kind === 'Deployment')!;
    await release.rolloutRestart('Deployment', 'demo-redis-exporter', { timeoutMs: 30_000 });
    const now = (await release.pods()).filter((p) => p.owner?.kind === 'Deployment');
    expect(now).to.have.length(1);
    expect(now[0]!.ready).to.equal(true);
    expect(now[0]!.labels['pod-template-hash']).to.not.equal(old.labels['pod-template-hash']);
  });

  it('keeps claims over uninstall({ keepVolumes: true }) and reuses them on reinstall', async () => {
    await once(await release.endpoint({ pod: STS0 }, 6379), (c) => c.set('across-installs', 'kept'));
    await release.uninstall({ keepVolumes: true });
    expect(await release.pods()).to.deep.equal([]);
    release = (await cluster.install({ release: 'demo', valuesFiles: [], timeoutMs: 60_000 })) as SandboxRelease;
    expect(await once(await release.endpoint({ pod: STS0 }, 6379), (c) => c.get('across-installs'))).to.equal('kept');
  });

  it('drops claims on a plain uninstall', async () => {
    await release.uninstall();
    release = (await cluster.install({ release: 'demo', valuesFiles: [], values: { replicas: 1 }, timeoutMs: 60_000 })) as SandboxRelease;
    expect(await once(await release.endpoint({ pod: STS0 }, 6379), (c) => c.get('across-installs'))).to.equal(null);
  });
});
