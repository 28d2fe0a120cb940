import type * as k8s from '@kubernetes/client-node';
import { formatPodStartFailure, podStartFailure, type PodStartFailure } from './pod-start-failure.ts';

/** How the watcher sees a release's pods: client-node in the scenario driver, kubectl in the CLI. */
export interface PodSource {
  listPods(): Promise<k8s.V1Pod[]>;
  logs(pod: string, container: string, previous: boolean): Promise<string>;
}

export class PodStartError extends Error {
  constructor(readonly failure: PodStartFailure, message: string) {
    super(message);
    this.name = 'PodStartError';
  }
}

export interface WatchOptions {
  /** Watching ends, without error, when this settles (the install it watches). */
  until: Promise<unknown>;
  signal?: AbortSignal;
  intervalMs?: number;
  /** UIDs of pods not to judge. */
  ignore?: ReadonlySet<string>;
}

export const POLL_INTERVAL_MS = 2000;

/**
 * Polls the pods until `until` settles or `signal` fires (then resolves), or until a pod will not start (then rejects
 * with a PodStartError). A failed listing is skipped: the install it watches has its own timeout.
 */
export function watchPodStarts(source: PodSource, o: WatchOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error?: PodStartError) => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', stop);
      if (error) reject(error);
      else resolve();
    };
    const stop = () => finish();
    const poll = async () => {
      try {
        const pods = (await source.listPods()).filter((p) => !o.ignore?.has(p.metadata?.uid ?? ''));
        const failure = pods.map(podStartFailure).find((f) => f !== undefined);
        if (failure && !stopped) {
          const log = hasRun(failure)
            ? await source.logs(failure.pod, failure.container, failure.previousLog).catch((e: Error) => e)
            : undefined;
          finish(new PodStartError(failure, formatPodStartFailure(failure, log)));
        }
      } catch {
        // listed again at the next poll
      }
      if (!stopped) timer = setTimeout(poll, o.intervalMs ?? POLL_INTERVAL_MS);
    };
    if (o.signal?.aborted) return finish();
    o.signal?.addEventListener('abort', stop, { once: true });
    o.until.then(stop, stop);
    timer = setTimeout(poll, o.intervalMs ?? POLL_INTERVAL_MS);
  });
}

/** A container that never ran has no log to show. */
const hasRun = (f: PodStartFailure) => f.exitCode !== undefined;

/**
 * Runs an install (helm --wait) while watching the pods it starts. When one will not start, the install is aborted
 * (its signal fires; helm marks the release failed and exits) and the PodStartError is thrown; the release stays for
 * inspection.
 */
export async function installWatchingPods<T>(install: (signal: AbortSignal) => Promise<T>, source: PodSource, o: { intervalMs?: number } = {}): Promise<T> {
  // An upgrade does not answer for the pods it replaces: a Deployment's old crash-looping pod stays until a new one
  // is ready.
  const earlier = new Set((await source.listPods().catch(() => [])).map((p) => p.metadata?.uid ?? ''));
  earlier.delete('');
  const abort = new AbortController();
  const installing = install(abort.signal);
  try {
    await watchPodStarts(source, { until: installing, ignore: earlier, ...o });
  } catch (e) {
    abort.abort(e);
    await installing.catch(() => undefined);
    throw e;
  }
  return installing;
}
