import { run } from './run.ts';

export class HelmError extends Error {
  constructor(readonly args: string[], readonly stderr: string) {
    super(`helm ${args.join(' ')} failed:\n${stderr.trim()}`);
  }
}

/** `signal` stops helm (SIGTERM, later SIGKILL); the call then rejects with the signal's reason once helm has exited. */
export async function helm(helmPath: string, args: string[], o: { signal?: AbortSignal } = {}): Promise<string> {
  const r = await run(helmPath, args, { signal: o.signal });
  if (r.code !== 0) throw new HelmError(args, r.stderr);
  return r.stdout;
}
