import type { ValuesOf } from '../model/dsl.ts';
import type { globalModel } from '../model/common.ts';
import type { serverModel } from '../model/server.ts';
import type { sentinelModel } from '../model/sentinel.ts';
import type { backupModel } from '../model/backup.ts';
import type { Diagnostic, LocatedYaml } from './diagnostics.ts';
import { cronProblem } from './cron.ts';
import { cpuCores, mib, quantityBytes, redisBytes } from './units.ts';

/** Effective values of a profile (chart defaults merged with the file), as the rules read them: typed by the model. */
export interface EffectiveValues {
  global: ValuesOf<typeof globalModel>;
  server: ValuesOf<typeof serverModel>;
  sentinel: ValuesOf<typeof sentinelModel>;
  backup: ValuesOf<typeof backupModel>;
}

type Rule = (v: EffectiveValues, yaml: LocatedYaml) => Diagnostic[];

const sentinelQuorum: Rule = (v, yaml) => {
  const { sentinels } = v.global.topology;
  const { quorum } = v.sentinel;
  if (sentinels === 0) return [];
  const majority = Math.floor(sentinels / 2) + 1;
  if (quorum > sentinels) {
    return [yaml.at(['sentinel', 'quorum'], `quorum ${quorum} is more than the ${sentinels} sentinels, so no failover could ever be agreed`, `Set sentinel.quorum between ${majority} and ${sentinels}.`)];
  }
  if (quorum < majority) {
    return [yaml.at(['sentinel', 'quorum'], `quorum ${quorum} is not a majority of ${sentinels} sentinels, so a minority could start a failover`, `Set sentinel.quorum to at least ${majority}.`)];
  }
  return [];
};

const sentinelNeedsReplicas: Rule = (v, yaml) => {
  const { sentinels, dataNodes } = v.global.topology;
  if (sentinels > 0 && dataNodes < 2) {
    return [yaml.at(['global', 'topology', 'dataNodes'], `Sentinel needs a replica to fail over to, but dataNodes is ${dataNodes}`, 'Set global.topology.dataNodes to 3 (one master, two replicas), or global.topology.sentinels to 0.')];
  }
  return [];
};

const memoryHeadroom: Rule = (v, yaml) => {
  const { maxmemory, save, appendonly } = v.server.config;
  const limit = v.server.resources.limits?.memory;
  if (!maxmemory || limit === undefined) return [];
  const max = redisBytes(maxmemory);
  const lim = quantityBytes(limit);
  if (max === undefined || lim === undefined) return [];
  const forks = save.length > 0 || appendonly || v.global.topology.dataNodes > 1;
  const share = forks ? 0.75 : 0.9;
  if (max <= lim * share) return [];
  const why = forks ? 'fork for RDB/AOF rewrite and replication copies pages' : 'the server needs memory beyond the data';
  return [yaml.at(['server', 'config', 'maxmemory'],
    `maxmemory ${maxmemory} (${mib(max)}) leaves too little headroom under the memory limit ${limit}: ${why}, and the pod is OOM-killed`,
    `Keep maxmemory at or below ${Math.round(share * 100)}% of the limit (${mib(lim * share)} for ${limit}), or raise server.resources.limits.memory to at least ${mib(max / share)}.`)];
};

// A warning: more threads than the CPU limit still work, but Redis's I/O threads spin while they wait for work and take
// the CPU the main thread needs; at 50 connections 4 threads under a 2-core limit gave a fifth of one thread's rate
// (bench/redis-benchmark.ts, README: Performance).
const ioThreadsWithinCpuLimit: Rule = (v, yaml) => {
  const threads = v.server.config.ioThreads;
  const limit = v.server.resources.limits?.cpu;
  const cores = limit === undefined ? undefined : cpuCores(limit);
  if (threads <= 1 || cores === undefined || threads <= cores) return [];
  return [yaml.warningAt(['server', 'config', 'ioThreads'],
    `ioThreads ${threads} is more than the CPU limit of ${limit} core(s): the I/O threads spin while they wait for work and take the CPU the main thread needs, so the server gets slower under load`,
    `Set server.config.ioThreads to at most ${Math.max(1, Math.floor(cores))}, or raise server.resources.limits.cpu to at least ${threads}.`)];
};

const persistenceWithReplicas: Rule = (v, yaml) => {
  const p = v.server.persistence;
  if (p.enabled || v.global.topology.dataNodes < 2 || p.acknowledgeDataLossWithReplicas) return [];
  return [yaml.at(['server', 'persistence', 'enabled'],
    'persistence is off with replicas: a master that restarts empty makes its replicas sync the empty dataset and lose everything',
    'Set server.persistence.enabled: true, or set server.persistence.acknowledgeDataLossWithReplicas: true for a disposable cache.')];
};

const minReplicas: Rule = (v, yaml) => {
  const n = v.server.config.minReplicasToWrite;
  const replicas = v.global.topology.dataNodes - 1;
  if (n <= replicas) return [];
  return [yaml.at(['server', 'config', 'minReplicasToWrite'], `minReplicasToWrite ${n} is more than the ${replicas} replicas, so the master would refuse every write`, `Set it between 0 and ${replicas}.`)];
};

const backupSchedule: Rule = (v, yaml) => {
  if (!v.backup.enabled) return [];
  const problem = cronProblem(v.backup.schedule);
  return problem ? [yaml.at(['backup', 'schedule'], `schedule "${v.backup.schedule}" ${problem}`, 'Use a 5-field cron expression such as "0 */6 * * *".')] : [];
};

// The backup chart stops on these (`fail`, `required`): validate names the key to set before Helm does.
const backupDestination: Rule = (v, yaml) => {
  const { enabled, remote, persistence } = v.backup;
  if (!enabled) return [];
  if (remote.type === 'local' && !persistence.enabled) {
    return [yaml.at(['backup', 'persistence', 'enabled'], 'backups go to the backup volume only (remote.type local), but the volume is off',
      'Set backup.persistence.enabled: true, or backup.remote.type to s3, gcs or azureblob.')];
  }
  if (remote.existingSecret) return [];
  if (remote.type === 's3' && !remote.s3.envAuth) {
    return (['accessKeyId', 'secretAccessKey'] as const).filter((k) => !remote.s3[k]).map((k) => yaml.at(['backup', 'remote', 's3', k],
      `S3 backups need ${k} unless envAuth or existingSecret is set`,
      `Set backup.remote.s3.${k}, or backup.remote.s3.envAuth: true for pod credentials, or backup.remote.existingSecret to a Secret with rclone.conf.`));
  }
  if (remote.type === 'azureblob' && !remote.azureblob.account) {
    return [yaml.at(['backup', 'remote', 'azureblob', 'account'], 'Azure Blob backups need the storage account name',
      'Set backup.remote.azureblob.account, or backup.remote.existingSecret to a Secret with rclone.conf.')];
  }
  return [];
};

const previousPassword: Rule = (v, yaml) => {
  const { enabled, password, previousPassword: previous, existingSecret } = v.global.auth;
  if (!previous) return [];
  const at = ['global', 'auth', 'previousPassword'];
  if (!enabled) return [yaml.at(at, 'previousPassword is set but authentication is off', 'Remove global.auth.previousPassword, or set global.auth.enabled: true.')];
  if (existingSecret) {
    return [yaml.at(at, `previousPassword is ignored with existingSecret "${existingSecret}": the passwords come from that Secret`, 'Remove global.auth.previousPassword and put the password being rotated out under global.auth.existingSecretPreviousPasswordKey in the Secret.')];
  }
  if (!password) return [yaml.at(at, 'previousPassword is set without a password to rotate to', 'Set global.auth.password to the new password (rotation keeps previousPassword working until you clear it).')];
  if (previous === password) return [yaml.at(at, 'previousPassword is the same as password, so nothing is rotated', 'Remove global.auth.previousPassword once the rotation is over.')];
  return [];
};

// A warning, not an error: credentials from the nodes' instance role need no ServiceAccount annotation.
const backupPodIdentity: Rule = (v, yaml) => {
  const { enabled, remote, serviceAccount } = v.backup;
  if (!enabled || remote.type !== 's3' || remote.existingSecret || !remote.s3.envAuth) return [];
  if (serviceAccount.name || Object.keys(serviceAccount.annotations).length) return [];
  return [yaml.warningAt(['backup', 'remote', 's3', 'envAuth'],
    'envAuth takes S3 credentials from the pod identity, but backup.serviceAccount has no annotations and no name, so no cloud role is bound to the backup pods',
    'Set backup.serviceAccount.annotations, e.g. `eks.amazonaws.com/role-arn: arn:aws:iam::<account>:role/<role>` for IRSA, or backup.serviceAccount.name to an existing annotated ServiceAccount; ignore this only if the nodes\' instance role may write the bucket.')];
};

// The chart stops on the first (`fail`): validate names it first. The others are settings that do nothing as written.
const tlsCertificateSource: Rule = (v, yaml) => {
  const { enabled, existingSecret, authClients, certManager } = v.global.tls;
  const issuer = certManager.issuerRef.name;
  if (existingSecret && issuer) {
    return [yaml.at(['global', 'tls', 'certManager', 'issuerRef', 'name'],
      `existingSecret "${existingSecret}" and certManager.issuerRef.name "${issuer}" both say where the certificate comes from`,
      'Keep one: global.tls.existingSecret for a Secret you manage, or global.tls.certManager.issuerRef for a Certificate the chart renders (leave both empty for a generated certificate).')];
  }
  if (!enabled) {
    const set = existingSecret ? ['existingSecret'] : issuer ? ['certManager', 'issuerRef', 'name'] : undefined;
    return set ? [yaml.warningAt(['global', 'tls', ...set], 'set, but TLS is off (global.tls.enabled is false), so nothing uses it',
      'Set global.tls.enabled: true to serve TLS, or remove the setting.')] : [];
  }
  if (authClients === 'yes' && !existingSecret && !issuer) {
    return [yaml.warningAt(['global', 'tls', 'authClients'],
      'authClients yes requires every client to present a certificate signed by the CA, and the generated CA signs only the release\'s own certificate (its key is not kept)',
      'Issue client certificates from your own CA: set global.tls.certManager.issuerRef (a CA issuer) or global.tls.existingSecret; or set authClients to no or optional and authenticate clients by password.')];
  }
  return [];
};

/** The users the charts' own components log in as with ACL users on (files/start.sh writes them): not for applications. */
export const INTERNAL_ACL_USERS = ['default', 'admin', 'operator', 'replication', 'sentinel', 'exporter', 'backup', 'proxy'] as const;
/** ACL rules that set a user's state or passwords: the charts set those from the Secrets. */
const STATE_RULES = ['on', 'off', 'nopass', 'resetpass', 'reset'];

const aclUser: Rule = (v, yaml) => {
  const { enabled, acl } = v.global.auth;
  if (!acl.enabled) {
    return acl.users.length ? [yaml.warningAt(['global', 'auth', 'acl', 'users'], 'set, but ACL users are off (global.auth.acl.enabled is false), so no such user exists', 'Set global.auth.acl.enabled: true, or remove the users.')] : [];
  }
  if (!enabled) return [yaml.at(['global', 'auth', 'acl', 'enabled'], 'ACL users are on but authentication is off', 'Set global.auth.enabled: true, or global.auth.acl.enabled: false.')];
  const found: Diagnostic[] = [];
  if ((INTERNAL_ACL_USERS as readonly string[]).includes(acl.username)) {
    found.push(yaml.at(['global', 'auth', 'acl', 'username'], `"${acl.username}" is a user the charts' own components log in as (${INTERNAL_ACL_USERS.join(', ')})`,
      'Choose another name for the application user, e.g. app.'));
  }
  const stateRules = (rules: string, at: (string | number)[]) => {
    const state = rules.split(' ').filter((w) => STATE_RULES.includes(w.toLowerCase()));
    if (state.length) {
      found.push(yaml.at(at, `rules hold ${state.map((w) => `"${w}"`).join(', ')}, which set the user's state or passwords; the charts switch the user on with the passwords from the Secret`,
        `Remove ${state.join(', ')} from ${at.join('.')} and keep only key, channel and command rules.`));
    }
  };
  stateRules(acl.rules, ['global', 'auth', 'acl', 'rules']);
  const seen = new Set<string>([acl.username]);
  acl.users.forEach((user, i) => {
    const at = ['global', 'auth', 'acl', 'users', i];
    if ((INTERNAL_ACL_USERS as readonly string[]).includes(user.name) || seen.has(user.name)) {
      found.push(yaml.at([...at, 'name'], `"${user.name}" is ${seen.has(user.name) ? 'already a user of this release' : 'a user the charts\' own components log in as'}`, 'Give each user a name of its own, other than ' + INTERNAL_ACL_USERS.join(', ') + '.'));
    }
    seen.add(user.name);
    stateRules(user.rules, [...at, 'rules']);
  });
  return found;
};

export const RULES: Rule[] = [sentinelQuorum, sentinelNeedsReplicas, memoryHeadroom, ioThreadsWithinCpuLimit, persistenceWithReplicas, minReplicas, previousPassword, aclUser, tlsCertificateSource, backupSchedule, backupDestination, backupPodIdentity];

export function ruleDiagnostics(values: EffectiveValues, yaml: LocatedYaml): Diagnostic[] {
  return RULES.flatMap((rule) => rule(values, yaml));
}
