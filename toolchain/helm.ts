import { execFile } from 'node:child_process';
import { stopOnAbort } from './stop-on-abort.ts';

export class HelmError extends Error {
  constructor(readonly args: string[], readonly stderr: string) {
    super(`helm ${args.join(' ')} failed:\n${stderr.trim()}`);
  }
}

/** `signal` stops helm (SIGTERM, later SIGKILL); the call then rejects with the signal's reason once helm has exited. */
export function helm(helmPath: string, args: string[], o: { signal?: AbortSignal } = {}): Promise<string> {
  const { signal } = o;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const child = execFile(helmPath, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      exited();
      if (signal?.aborted) reject(signal.reason);
      else if (error) reject(new HelmError(args, String(stderr) || error.message));
      else resolve(String(stdout));
    });
    const exited = stopOnAbort(child, signal);
  });
}
