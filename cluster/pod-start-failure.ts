import type * as k8s from '@kubernetes/client-node';

/** Why a pod will not start: what its status says about one of its containers. */
export interface PodStartFailure {
  namespace: string;
  pod: string;
  container: string;
  init: boolean;
  /** The kubelet's waiting reason (CrashLoopBackOff, ImagePullBackOff, ...), or the terminated reason of a failing init container. */
  reason: string;
  /** The exit code of the container's last run, when it ran. */
  exitCode?: number;
  /** How the last run ended (Error, OOMKilled, ...), when it ran. */
  terminatedReason?: string;
  /** The kubelet's message (a pull error, the missing Secret, ...). */
  message?: string;
  image?: string;
  /** Its log is that of the previous instance: a crash-looping container is waiting for its next start. */
  previousLog: boolean;
}

const IMAGE_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName']);
const CONFIG_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);
/** Waiting messages the kubelet retries by itself: its cache of a Secret or ConfigMap was not filled in time (a busy API server). */
const RETRIED_BY_KUBELET = /failed to sync (secret|configmap) cache/;
/** The restarts after which a failing init container is not a one-off: a first failure can be a peer not yet up. */
const INIT_RESTARTS = 2;

/** The first container of the pod that will not start, or undefined while everything may still come up. */
export function podStartFailure(pod: k8s.V1Pod): PodStartFailure | undefined {
  const where = { namespace: pod.metadata?.namespace ?? '', pod: pod.metadata?.name ?? '' };
  const images = new Map([...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => [c.name, c.image]));
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []).map((s) => ({ s, init: true })),
    ...(pod.status?.containerStatuses ?? []).map((s) => ({ s, init: false })),
  ];
  for (const { s, init } of statuses) {
    const base = { ...where, container: s.name, init, image: images.get(s.name) ?? s.image };
    const waiting = s.state?.waiting;
    const last = s.lastState?.terminated;
    if (waiting?.reason === 'CrashLoopBackOff') {
      return { ...base, reason: waiting.reason, ...ran(last), previousLog: true };
    }
    const configError = waiting?.reason && CONFIG_REASONS.has(waiting.reason) && !RETRIED_BY_KUBELET.test(waiting.message ?? '');
    if (waiting?.reason && (IMAGE_REASONS.has(waiting.reason) || configError)) {
      return { ...base, reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}), previousLog: false };
    }
    const done = s.state?.terminated;
    if (init && done && done.exitCode !== 0 && s.restartCount >= INIT_RESTARTS) {
      return { ...base, reason: done.reason ?? 'Error', ...ran(done), previousLog: false };
    }
  }
  return undefined;
}

function ran(t: k8s.V1ContainerStateTerminated | undefined): Pick<PodStartFailure, 'exitCode' | 'terminatedReason'> {
  if (!t) return {};
  return { exitCode: t.exitCode, ...(t.reason && t.reason !== 'Error' ? { terminatedReason: t.reason } : {}) };
}

export const LOG_LINES = 20;

/**
 * One message for the user: what failed, the container's own last log lines (the previous run's for a crash loop),
 * and what to check. `log` is the container's log, or an Error when it could not be read.
 */
export function formatPodStartFailure(f: PodStartFailure, log: string | Error | undefined): string {
  const exit = f.exitCode === undefined ? '' : ` (exit code ${f.exitCode}${f.terminatedReason ? `, ${f.terminatedReason}` : ''})`;
  const lines = [`pod ${f.namespace}/${f.pod} will not start: ${f.init ? 'init ' : ''}container ${f.container} ${f.reason}${exit}`];
  if (log !== undefined) lines.push(...logSection(f, log));
  lines.push(...hint(f));
  return lines.join('\n');
}

function logSection(f: PodStartFailure, log: string | Error): string[] {
  const run = f.previousLog ? 'its previous run' : 'its last run';
  if (log instanceof Error) return [`its log could not be read: ${log.message}`];
  const tail = log.split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(-LOG_LINES);
  if (!tail.length) return [`${f.container} wrote no log in ${run}`];
  return [`last ${tail.length} log line${tail.length === 1 ? '' : 's'} of ${f.container}, ${run}:`, ...tail.map((l) => `  | ${l}`)];
}

function hint(f: PodStartFailure): string[] {
  const pod = `-n ${f.namespace} ${f.pod}`;
  if (IMAGE_REASONS.has(f.reason)) {
    return [
      `check: the image ${f.image ?? '(unknown)'} exists and the cluster can pull it; global.imageRegistry sets the`
        + ' registry (mirror) every chart image comes from, the repository and tag values of each image the rest',
      ...(f.message ? [`kubelet: ${f.message}`] : []),
    ];
  }
  if (CONFIG_REASONS.has(f.reason)) {
    return [`check: ${f.message ?? `the events of \`kubectl describe pod ${pod}\``}`];
  }
  const logs = `kubectl logs ${pod} -c ${f.container}${f.previousLog ? ' --previous' : ''}`;
  const what = f.terminatedReason === 'OOMKilled'
    ? "the memory limit: raise this container's resources.limits.memory (for the data nodes, or lower server.config.maxmemory)"
    : 'the log above and the values it points at';
  return [`check: ${what}; \`${logs}\` and \`kubectl describe pod ${pod}\` show more`];
}
