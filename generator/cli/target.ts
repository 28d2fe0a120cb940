import { execFileSync } from 'node:child_process';

export type Target = { kind: 'kubernetes'; context: string } | { kind: 'sandbox' };

/** Where `up` deploys: the named or current Kubernetes context, else the sandbox cluster on this machine. */
export function chooseTarget(kubeContext: string | undefined): Target {
  if (kubeContext) return { kind: 'kubernetes', context: kubeContext };
  const current = currentContext();
  return current ? { kind: 'kubernetes', context: current } : { kind: 'sandbox' };
}

function currentContext(): string | undefined {
  try {
    const out = execFileSync('kubectl', ['config', 'current-context'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    return out.toString().trim() || undefined;
  } catch {
    return undefined;
  }
}
