import { serverName } from '../../generator/charts/names.ts';

/**
 * The steps that restore a backup into an existing release: the data volumes must be empty (or force) and every
 * data pod must start together, so no old master hands its data back to the replicas.
 */
export function restoreSteps(o: { release: string; namespace: string; chart: string; backup: string; dataNodes: number }): string[] {
  const set = `--set server.restore.enabled=true,server.restore.backup=${o.backup}`;
  const ns = `--namespace ${o.namespace}`;
  const sts = serverName(o.release);
  return [
    `helm upgrade ${o.release} ${o.chart} ${ns} --reuse-values ${set},server.restore.force=true`,
    `kubectl ${ns} scale statefulset ${sts} --replicas=0`,
    `kubectl ${ns} wait --for=delete pod -l app.kubernetes.io/instance=${o.release},app.kubernetes.io/component=server --timeout=5m`,
    `kubectl ${ns} scale statefulset ${sts} --replicas=${o.dataNodes}`,
    `kubectl ${ns} rollout status statefulset ${sts} --timeout=10m`,
    `kubectl ${ns} logs ${sts}-0 -c restore   # "restore: <name> placed (<keys> keys...)"`,
    `helm upgrade ${o.release} ${o.chart} ${ns} --reuse-values --set server.restore.force=false`,
  ];
}
