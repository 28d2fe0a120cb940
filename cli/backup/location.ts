/** Where a release's backups go, as its backup CronJob says. */
export interface BackupLocation {
  remoteType: string;
  remotePath: string;
  secretName: string | undefined;
  claimName: string | undefined;
}

/** The location a backup CronJob (as rendered or as found in the cluster) uploads to. */
export function locationFromCronJob(cj: Record<string, any>): BackupLocation {
  const pod = cj.spec.jobTemplate.spec.template.spec;
  const upload = (pod.containers as any[]).find((c) => c.name === 'upload');
  const env = Object.fromEntries(((upload?.env ?? []) as { name: string; value?: string }[]).map((e) => [e.name, e.value ?? '']));
  const volumes = (pod.volumes ?? []) as any[];
  return {
    remoteType: env.REMOTE_TYPE ?? 'local',
    remotePath: env.REMOTE_PATH ?? '',
    secretName: volumes.find((v) => v.name === 'remote-config')?.secret?.secretName,
    claimName: volumes.find((v) => v.name === 'backups')?.persistentVolumeClaim?.claimName,
  };
}
