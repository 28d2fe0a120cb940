/**
 * Throughput and latency with Debian's redis-benchmark, run from an application pod (the client label, the release's
 * connection Secret) on the local cluster: SET and GET at 1 and 50 connections, pipeline 1 and 16, against
 *   (a) the master pod directly, (b) the master endpoint (HAProxy), (c) the read Service, on ha-production without TLS;
 *   (d) the master pod directly on ha-production as shipped (TLS on).
 * Ops/s are printed as ratios to (a); latency as p50/p95/p99 (redis-benchmark's own histogram).
 *   npx tsx bench/redis-benchmark.ts [requests for 1 connection, pipeline 1]
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { withLocalCluster } from './local-cluster.ts';
import { profileFile } from '../test/scenarios/scenario.ts';
import { HA_ONLY } from '../test/scenarios/ha.ts';
import { authSecretRef, dataStatefulSet, waitForSingleMaster, REDIS_PORT } from '../test/support/ha.ts';
import { CA_DIR, CLIENT_LABEL } from '../test/support/app-clients.ts';
import { connectionSecretName, masterServiceName, readServiceName, serverHeadlessName } from '../generator/charts/names.ts';
import type { Cluster, Release } from '../cluster/driver.ts';
import { deepMerge } from '../generator/profiles/merge.ts';
import { parseBenchmarkCsv, type BenchmarkRow } from './redis-benchmark-csv.ts';

const baseRequests = Number(process.argv[2] ?? 20_000);

interface Load {
  clients: number;
  pipeline: number;
  /** Requests per test, scaled with the rate the load reaches, so that no run is only a moment long. */
  requests: number;
}
const LOADS: Load[] = [
  { clients: 1, pipeline: 1, requests: baseRequests },
  { clients: 1, pipeline: 16, requests: baseRequests * 8 },
  { clients: 50, pipeline: 1, requests: baseRequests * 2 },
  { clients: 50, pipeline: 16, requests: baseRequests * 25 },
];

interface Target {
  label: string;
  host: (release: Release, master: string) => string;
  /** redis-benchmark's -t: the read Service reaches replicas too, which refuse writes. */
  tests: 'set,get' | 'get';
}
const svc = (release: Release, name: string) => `${name}.${release.namespace}.svc`;
const DIRECT: Target = { label: '(a) master pod directly', host: (r, master) => `${master}.${svc(r, serverHeadlessName(r.name))}`, tests: 'set,get' };
const PLAIN_TARGETS: Target[] = [
  DIRECT,
  { label: '(b) master endpoint (HAProxy)', host: (r) => svc(r, masterServiceName(r.name)), tests: 'set,get' },
  { label: '(c) read Service', host: (r) => svc(r, readServiceName(r.name)), tests: 'get' },
];
const TLS_TARGET: Target = { ...DIRECT, label: '(d) master pod directly, TLS' };


/** ha-production's server.config.ioThreads and CPU limit, read from the profile; the io-threads values compared. */
const haProduction = parse(readFileSync(profileFile('ha-production'), 'utf8'));
const PROFILE_IO_THREADS: number = haProduction.server?.config?.ioThreads ?? 1;
const SERVER_CPU_LIMIT: string = String(haProduction.server?.resources?.limits?.cpu ?? 'none');
const IO_THREADS_COMPARED = [1, 2, 4];

/** One pod that runs every load against one host and prints redis-benchmark's CSV, each run after a marker line. */
function benchmarkPod(release: Release, name: string, target: Target, master: string, tls: boolean): Record<string, any> {
  const image = dataStatefulSet(release).spec.template.spec.containers[0].image as string;
  const host = target.host(release, master);
  const auth = authSecretRef(release);
  const connection = connectionSecretName(release.name);
  const tlsArgs = tls ? `--tls --cacert ${CA_DIR}/ca.crt` : '';
  // redis-benchmark takes the password only as an argument (-a): the shell expands it inside the pod, so the pod's spec
  // names the Secret, not the password.
  const login = '-a "$REDIS_PASSWORD" ${REDIS_USERNAME:+--user "$REDIS_USERNAME"}';
  // The NetworkPolicy enforcer admits a new pod's address within about a second: wait (bounded) until the target answers.
  const ready = `for i in $(seq 1 30); do redis-cli -h ${host} -p ${REDIS_PORT} ${login} ${tlsArgs} --no-auth-warning ping >/dev/null 2>&1 && break; sleep 1; done`;
  const runs = ready + '; ' + LOADS.map((l) => `echo "== ${l.clients} ${l.pipeline}"; redis-benchmark -h ${host} -p ${REDIS_PORT} ${login} ${tlsArgs} -t ${target.tests} -c ${l.clients} -P ${l.pipeline} -n ${l.requests} -r 100000 -d 64 --csv`).join('; ');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { [CLIENT_LABEL]: release.name, 'app.kubernetes.io/name': 'redis-benchmark', 'app.kubernetes.io/component': 'benchmark' } },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } },
      ...(tls && { volumes: [{ name: 'redis-ca', secret: { secretName: connection, items: [{ key: 'ca.crt', path: 'ca.crt' }] } }] }),
      containers: [{
        name: 'benchmark',
        image,
        imagePullPolicy: 'IfNotPresent',
        command: ['sh', '-c', `set -e; ${runs}`],
        env: [
          { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: auth.name, key: auth.key } } },
          { name: 'REDIS_USERNAME', valueFrom: { secretKeyRef: { name: connection, key: 'username', optional: true } } },
        ],
        ...(tls && { volumeMounts: [{ name: 'redis-ca', mountPath: CA_DIR, readOnly: true }] }),
        resources: { requests: { cpu: '500m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      }],
    },
  };
}

interface Measured extends BenchmarkRow {
  target: string;
  clients: number;
  pipeline: number;
}

/** A release of ha-production (exporter, alerts and backups off); `tls` as shipped or off; `ioThreads` overrides. */
interface Setup {
  release: string;
  tls: boolean;
  ioThreads?: number;
}

async function measure(cluster: Cluster, setup: Setup, targets: Target[]): Promise<Measured[]> {
  const values = deepMerge(HA_ONLY, {
    ...(setup.tls ? {} : { global: { tls: { enabled: false } } }),
    ...(setup.ioThreads ? { server: { config: { ioThreads: setup.ioThreads } } } : {}),
  }) as Record<string, unknown>;
  const installed = await cluster.install({ release: setup.release, valuesFiles: [profileFile('ha-production')], values });
  try {
    const { master } = await waitForSingleMaster(installed, { sentinels: 3 });
    const out: Measured[] = [];
    for (const target of targets) {
      const pod = `bench-${out.length}-${Date.now().toString(36)}`;
      await installed.createPod(benchmarkPod(installed, pod, target, master, setup.tls));
      const done = await installed.waitPodDone(pod, 15 * 60_000);
      if (done.phase !== 'Succeeded') throw new Error(`${pod} (${target.label}) ended ${done.phase}:\n${done.logs.slice(-3000)}`);
      for (const section of done.logs.split(/^== /m).slice(1)) {
        const [head = '', ...csv] = section.split('\n');
        const [clients, pipeline] = head.trim().split(' ').map(Number);
        for (const row of parseBenchmarkCsv(csv.join('\n'))) out.push({ ...row, target: target.label, clients: clients!, pipeline: pipeline! });
      }
    }
    return out;
  } finally {
    await installed.uninstall({ keepVolumes: false });
  }
}

const sameLoad = (a: Measured, b: Measured) => a.test === b.test && a.clients === b.clients && a.pipeline === b.pipeline;

function printTable(title: string, rows: Measured[], base: (r: Measured) => Measured, baseName: string): void {
  console.log(`\n${title}`);
  console.log(`${'target'.padEnd(36)} test conns pipe      ops/s ${`vs ${baseName}`.padStart(8)}   p50 ms   p95 ms   p99 ms`);
  for (const r of rows) {
    const ratio = r.rps / base(r).rps;
    console.log(`${r.target.padEnd(36)} ${r.test.padEnd(4)} ${String(r.clients).padStart(5)} ${String(r.pipeline).padStart(4)} ${r.rps.toFixed(0).padStart(10)} ${ratio.toFixed(2).padStart(7)}x ${r.p50.toFixed(3).padStart(8)} ${r.p95.toFixed(3).padStart(8)} ${r.p99.toFixed(3).padStart(8)}`);
  }
}

await withLocalCluster(async (cluster) => {
  const plain = await measure(cluster, { release: 'rbplain', tls: false }, PLAIN_TARGETS);
  const threads: Measured[] = plain.filter((r) => r.target === DIRECT.label).map((r) => ({ ...r, target: `io-threads ${PROFILE_IO_THREADS} (the profile's)` }));
  for (const n of IO_THREADS_COMPARED.filter((t) => t !== PROFILE_IO_THREADS)) {
    const rows = await measure(cluster, { release: `rbio${n}`, tls: false, ioThreads: n }, [DIRECT]);
    threads.push(...rows.map((r) => ({ ...r, target: `io-threads ${n}` })));
  }
  const tls = await measure(cluster, { release: 'rbtls', tls: true }, [TLS_TARGET]);
  const day = new Date().toISOString().slice(0, 10);
  const direct = (rows: Measured[], target: string) => (r: Measured) => rows.find((b) => b.target === target && sameLoad(b, r))!;
  printTable(`redis-benchmark from an application pod, ha-production (3 data pods, server CPU limit ${SERVER_CPU_LIMIT}), ${day}`, [...plain, ...tls], direct(plain, DIRECT.label), '(a)');
  printTable(`io-threads on the master pod directly (no TLS), against the profile's ${PROFILE_IO_THREADS}`, threads, direct(threads, threads[0]!.target), 'profile');
});
