import type * as k8s from '@kubernetes/client-node';
import type { Kube } from './kube.ts';
import type { CommandRunner } from './plan.ts';

/** Label on a cut pod; its value is the pod name, so the deny-all policy selects exactly that pod. */
export const CUT_LABEL = 'redis-charts.io/network-cut';

export class ClusterUnsupportedError extends Error {
  override name = 'ClusterUnsupportedError';
}

const policyName = (pod: string) => `${pod}-network-cut`.slice(0, 63);

/**
 * Cuts a pod off the network with a deny-all NetworkPolicy (ingress and egress). This needs a CNI that
 * enforces NetworkPolicies (kindnet from kind 0.24, Calico, Cilium): after applying the policy a peer pod of
 * the release tries a new connection to the cut pod, and if it still gets through the cut is undone and a
 * ClusterUnsupportedError says this cluster cannot run the scenario. CNIs differ on whether established
 * connections are cut too.
 *
 * Policies add up, so another policy that admits traffic to the pod (the chart's own NetworkPolicy) would
 * re-open it: while a pod is cut, every other policy in the namespace is narrowed to pods without the cut label.
 */
export class NetworkCuts {
  /** Original pod selectors of the policies narrowed while pods are cut. */
  private readonly narrowed = new Map<string, k8s.V1LabelSelector>();
  private readonly cutPods = new Set<string>();

  constructor(private readonly kube: Kube, private readonly runner: CommandRunner, private readonly namespace: string) {}

  async cut(pod: string): Promise<void> {
    const ns = this.namespace;
    await this.kube.labelPod(ns, pod, { [CUT_LABEL]: pod });
    this.cutPods.add(pod);
    for (const p of await this.kube.listNetworkPolicies(ns)) {
      const name = p.metadata?.name ?? '';
      if (name.endsWith('-network-cut') || this.narrowed.has(name)) continue;
      const selector = p.spec?.podSelector ?? {};
      this.narrowed.set(name, selector);
      const matchExpressions = [...(selector.matchExpressions ?? []), { key: CUT_LABEL, operator: 'DoesNotExist' }];
      await this.kube.patchNetworkPolicySelector(ns, name, { ...selector, matchExpressions });
    }
    await this.kube.createNetworkPolicy(ns, {
      metadata: { name: policyName(pod), labels: { 'app.kubernetes.io/part-of': 'redis-charts-tests' } },
      spec: { podSelector: { matchLabels: { [CUT_LABEL]: pod } }, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] },
    });
    await this.assertEnforced(pod);
  }

  async heal(pod: string): Promise<void> {
    const ns = this.namespace;
    await this.kube.deleteNetworkPolicy(ns, policyName(pod));
    this.cutPods.delete(pod);
    if (this.cutPods.size === 0) {
      for (const [name, selector] of this.narrowed) await this.kube.patchNetworkPolicySelector(ns, name, { ...selector, matchExpressions: selector.matchExpressions ?? null } as k8s.V1LabelSelector);
      this.narrowed.clear();
    }
    await this.kube.labelPod(ns, pod, { [CUT_LABEL]: null });
  }

  /** A new connection from a peer pod must stop getting through within 15 s. */
  private async assertEnforced(pod: string): Promise<void> {
    if (this.runner.dryRun) return;
    const pods = await this.kube.listPods(this.namespace);
    const target = pods.find((p) => p.metadata?.name === pod);
    const peer = pods.find((p) => p.metadata?.name !== pod && p.status?.phase === 'Running' && cliContainer(p));
    const ip = target?.status?.podIP;
    const port = target?.spec?.containers.flatMap((c) => c.ports ?? []).map((p) => p.containerPort)[0];
    // Without a peer that has redis-cli the cut cannot be checked; it is applied all the same.
    if (!peer || !ip || port === undefined) return;
    const { container, cli } = cliContainer(peer)!;
    const probe = ['sh', '-c', `timeout 2 ${cli} -h ${ip} -p ${port} PING >/dev/null 2>&1 && echo reachable || echo blocked`];
    const peerName = peer.metadata?.name ?? '';
    try {
      await this.runner.wait(`NetworkPolicy to block new connections to ${pod}`, async () => {
        const r = await this.kube.exec(this.namespace, peerName, container, probe, undefined, 10_000);
        return r.stdout.includes('blocked');
      }, { timeoutMs: 15_000, intervalMs: 1_000 });
    } catch {
      await this.heal(pod);
      throw new ClusterUnsupportedError(
        `cannot run on this cluster: pod ${peerName} still reaches ${pod} through a deny-all NetworkPolicy, so the CNI does not enforce NetworkPolicies (use kind >= 0.24 with kindnet, or install Calico or Cilium)`,
      );
    }
  }
}

/** A container that carries redis-cli (or valkey-cli): the engine images do. */
function cliContainer(p: k8s.V1Pod): { container: string; cli: string } | undefined {
  for (const c of p.spec?.containers ?? []) {
    if (/redis|valkey/.test(c.image ?? '') && !/exporter/.test(c.image ?? '')) {
      const cli = c.env?.find((e) => e.name === 'CLI_BIN')?.value ?? (c.image?.includes('valkey') ? 'valkey-cli' : 'redis-cli');
      return { container: c.name, cli };
    }
  }
  return undefined;
}
