import { execFileSync } from 'node:child_process';
import { clusterStatus } from '../cluster/local/lifecycle.ts';
import { clusterLayout } from '../cluster/local/layout.ts';
import { readState } from '../cluster/local/state.ts';

/**
 * Where `up` deploys: a named or current Kubernetes context (the user's kubeconfig); a local cluster already running on
 * this machine (`redis-charts cluster up`); or, with neither, a local cluster started for this `up` alone.
 */
export type Target =
  | { kind: 'kubernetes'; context: string }
  | { kind: 'local'; name: string; kubeconfig: string; context: string }
  | { kind: 'new-local' };

export function chooseTarget(kubeContext: string | undefined): Target {
  const ready = clusterStatus().filter((c) => c.phase === 'ready');
  if (kubeContext) {
    const named = ready.find((c) => c.contextName === kubeContext);
    return named ? { kind: 'local', name: named.name, kubeconfig: named.kubeconfig, context: named.contextName } : { kind: 'kubernetes', context: kubeContext };
  }
  const current = currentContext();
  if (current) return { kind: 'kubernetes', context: current };
  // A cluster a test run owns is that run's alone.
  const running = ready.find((c) => !c.owner);
  return running ? { kind: 'local', name: running.name, kubeconfig: running.kubeconfig, context: running.contextName } : { kind: 'new-local' };
}

/** The local cluster's target once it runs. */
export function localTarget(name: string): Extract<Target, { kind: 'local' }> {
  const state = readState(name);
  if (!state) throw new Error(`no local cluster ${name}`);
  const layout = clusterLayout(name, state.slot);
  return { kind: 'local', name, kubeconfig: layout.kubeconfig, context: layout.contextName };
}

function currentContext(): string | undefined {
  try {
    const out = execFileSync('kubectl', ['config', 'current-context'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    return out.toString().trim() || undefined;
  } catch {
    return undefined;
  }
}
