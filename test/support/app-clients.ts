// The clients/ probes as application pods next to a release: each reads the release's connection Secret the way an
// app would (env from secretKeyRef), runs with a restricted security context, and reports its own RESULT.
import { APP_IMAGE_SPECS } from '../../cluster/local/images/specs.ts';
import type { Release } from '../../cluster/driver.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectionSecretName } from '../../generator/charts/names.ts';
import { authSecretRef } from './ha.ts';
import type { ClientName } from './client-programs.ts';
import { parseWriterResult, type WriterResult } from './writer-result.ts';

export type ClientMode = 'sentinel' | 'url';
/** The label the charts' NetworkPolicy admits client pods by (value: the release name). */
export const CLIENT_LABEL = 'redis-charts.io/client';
const APP_UID = 10001;

export interface AppClientOptions {
  client: ClientName;
  mode: ClientMode;
  durationMs: number;
  /** Key prefix; defaults to one named after the client and mode. */
  prefix?: string;
  /** Keep the pod off the node of this pod (the one a scenario is about to fail). */
  avoidPod?: string;
  /** Carry the release's client label (default true); without it the release's NetworkPolicies refuse the pod. */
  clientLabel?: boolean;
}

export interface AppClient {
  readonly pod: string;
  readonly client: ClientName;
  readonly mode: ClientMode;
  readonly prefix: string;
  /** Waits for the pod to finish and parses its RESULT line. */
  result(): Promise<WriterResult>;
  /** Deletes the pod at once (for cleanup after a failure). */
  stop(): Promise<void>;
}

/** The locally built image of a client probe (cluster/local/images/specs.ts). */
export function appImage(client: ClientName): string {
  const spec = APP_IMAGE_SPECS.find((s) => s.name === `app-${client}`);
  if (!spec || !('fixed' in spec.tag)) throw new Error(`no app image for ${client}`);
  return `${spec.repository}:${spec.tag.fixed}`;
}

/** Where a client pod finds the release's CA when the connection Secret has one (TLS on). */
export const CA_DIR = '/etc/redis-ca';

export function appClientPod(release: Release, name: string, o: AppClientOptions & { prefix: string; tls: boolean }): Record<string, any> {
  const connection = connectionSecretName(release.name);
  const auth = authSecretRef(release);
  const fromSecret = (env: string, secret: string, key: string) => ({ name: env, valueFrom: { secretKeyRef: { name: secret, key } } });
  const env = [
    { name: 'MODE', value: o.mode },
    { name: 'PREFIX', value: o.prefix },
    { name: 'DURATION_MS', value: String(o.durationMs) },
    fromSecret('PASSWORD', auth.name, auth.key),
    // The user the password opens (README: ACL users); a connection Secret from before it has no username: default.
    { name: 'REDIS_USERNAME', valueFrom: { secretKeyRef: { name: connection, key: 'username', optional: true } } },
    ...(o.mode === 'sentinel'
      ? [fromSecret('SENTINELS', connection, 'sentinels'), fromSecret('MASTER_SET', connection, 'master-set')]
      : [fromSecret('REDIS_URL', connection, 'redis-url')]),
    // As an app does with TLS on: the CA from the connection Secret, mounted as a file.
    ...(o.tls ? [{ name: 'TLS_CA_FILE', value: `${CA_DIR}/ca.crt` }] : []),
  ];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { ...(o.clientLabel === false ? {} : { [CLIENT_LABEL]: release.name }), 'app.kubernetes.io/name': `app-${o.client}`, 'app.kubernetes.io/component': 'client-probe' } },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 2,
      securityContext: { runAsNonRoot: true, runAsUser: APP_UID, runAsGroup: APP_UID, seccompProfile: { type: 'RuntimeDefault' } },
      ...(o.avoidPod && {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{
              topologyKey: 'kubernetes.io/hostname',
              labelSelector: { matchLabels: { 'statefulset.kubernetes.io/pod-name': o.avoidPod } },
            }],
          },
        },
      }),
      ...(o.tls && { volumes: [{ name: 'redis-ca', secret: { secretName: connection, items: [{ key: 'ca.crt', path: 'ca.crt' }] } }] }),
      containers: [{
        name: 'probe',
        image: appImage(o.client),
        imagePullPolicy: 'IfNotPresent',
        env,
        ...(o.tls && { volumeMounts: [{ name: 'redis-ca', mountPath: CA_DIR, readOnly: true }] }),
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      }],
    },
  };
}

/** Creates the probe's pod and returns once it printed READY (50 acknowledged writes). */
export async function startAppClient(release: Release, o: AppClientOptions, readyTimeoutMs = 120_000): Promise<AppClient> {
  const handle = await createAppClient(release, o);
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    const logs = await release.logs(handle.pod).catch(() => '');
    if (/^READY$/m.test(logs)) return handle;
    // A zero timeout reads the pod once: a phase when it has already ended, a timeout error while it runs.
    const phase = await release.waitPodDone(handle.pod, 0).then((d) => d.phase, () => undefined);
    if (phase !== undefined || Date.now() > deadline) {
      await handle.stop();
      throw new Error(`${handle.pod} (${o.client} ${o.mode}) not READY (${phase ?? 'still running'}) within ${readyTimeoutMs} ms:\n${logs.slice(-3000)}`);
    }
    await sleep(500);
  }
}

/** Creates the probe's pod without waiting for it: its result() says what it managed. */
export async function createAppClient(release: Release, o: AppClientOptions): Promise<AppClient> {
  const prefix = o.prefix ?? `app-${o.client}-${o.mode}`;
  const pod = `${prefix}-${Date.now().toString(36)}`.slice(0, 63);
  // TLS is on when the connection Secret carries the CA.
  const tls = 'ca.crt' in await release.secret(connectionSecretName(release.name));
  await release.createPod(appClientPod(release, pod, { ...o, prefix, tls }));
  return {
    pod, client: o.client, mode: o.mode, prefix,
    async result() {
      const done = await release.waitPodDone(pod, o.durationMs + 120_000);
      if (done.phase !== 'Succeeded') throw new Error(`${pod} ended ${done.phase}:\n${done.logs.slice(-3000)}`);
      return parseWriterResult(done.logs);
    },
    async stop() {
      await release.deletePod(pod, { graceful: false, wait: false }).catch(() => undefined);
    },
  };
}
