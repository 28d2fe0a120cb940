import { runChecked } from '../../toolchain/run.ts';
import type { ClusterLayout } from './layout.ts';

/** kubectl from the cluster's own multi-call binary (so client and server are the same version), against the cluster. */
export function kubectl(kube: string, layout: ClusterLayout, args: readonly string[], input?: string): Promise<string> {
  return runChecked(kube, ['kubectl', '--kubeconfig', layout.kubeconfig, ...args], input === undefined ? {} : { input });
}
