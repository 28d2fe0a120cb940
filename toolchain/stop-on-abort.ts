import type { ChildProcess } from 'node:child_process';

/** Time to exit after SIGTERM before SIGKILL: helm records the release as failed and exits within seconds. */
const KILL_AFTER_MS = 10_000;

/**
 * Stops the child when `signal` fires: SIGTERM, then SIGKILL if it is still running. Unlike the `signal` option of
 * spawn and execFile, which report the abort at once, this lets the caller report it once the child has exited:
 * helm, stopped, still records the release as failed, and a release left pending would block the next upgrade.
 * Returns what to call when the child has exited.
 */
export function stopOnAbort(child: ChildProcess, signal: AbortSignal | undefined): () => void {
  if (!signal) return () => undefined;
  let kill: NodeJS.Timeout | undefined;
  const stop = () => {
    child.kill('SIGTERM');
    kill = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  };
  signal.addEventListener('abort', stop, { once: true });
  return () => {
    signal.removeEventListener('abort', stop);
    clearTimeout(kill);
  };
}
