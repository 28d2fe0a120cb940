import fs from 'node:fs';
import path from 'node:path';
import { GENERATOR_DIR } from '../../../generator/paths.ts';

const source = (chart: string, file: string) => fs.readFileSync(path.join(GENERATOR_DIR, 'charts', chart, 'files', file), 'utf8');

/**
 * The chart's start scripts (and the probes and backup dump that source the same lib.sh), runnable on this machine:
 * the same text with the pod paths (/scripts, /etc/redis, /run/redis, /data, /etc/redis-auth, /etc/redis-tls,
 * /etc/sentinel) moved under one directory.
 */
export function hostScripts(dir: string): {
  lib: string; serverStart: string; sentinelStart: string; serverProbe: string; sentinelProbe: string; backupDump: string;
} {
  const moved = (text: string) => text
    .replaceAll('/etc/redis-tls', `${dir}/tls`)
    .replaceAll('/scripts/', `${dir}/`)
    .replaceAll('/etc/redis-auth/password', `${dir}/password`)
    .replaceAll('/etc/redis/redis.conf', `${dir}/base.conf`)
    .replaceAll('/etc/sentinel/extra.conf', `${dir}/extra.conf`)
    .replaceAll('/run/redis/', `${dir}/`)
    .replaceAll('/data/', `${dir}/data/`);
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  const files = {
    lib: path.join(dir, 'lib.sh'),
    serverStart: path.join(dir, 'server-start.sh'),
    sentinelStart: path.join(dir, 'sentinel-start.sh'),
    serverProbe: path.join(dir, 'server-probe.sh'),
    sentinelProbe: path.join(dir, 'sentinel-probe.sh'),
    backupDump: path.join(dir, 'backup-dump.sh'),
  };
  fs.writeFileSync(files.lib, moved(source('shared', 'lib.sh')));
  fs.writeFileSync(files.serverStart, moved(source('redis-server', 'start.sh')));
  fs.writeFileSync(files.sentinelStart, moved(source('redis-sentinel', 'start.sh')));
  fs.writeFileSync(files.serverProbe, moved(source('redis-server', 'probe.sh')));
  fs.writeFileSync(files.sentinelProbe, moved(source('redis-sentinel', 'probe.sh')));
  // backup-dump.sh sources "${SCRIPTS_DIR:-/scripts}/lib.sh": run it with SCRIPTS_DIR set to this directory.
  fs.writeFileSync(files.backupDump, moved(source('redis-backup', 'backup-dump.sh')));
  fs.writeFileSync(path.join(dir, 'backup-common.sh'), moved(source('redis-backup', 'backup-common.sh')));
  return files;
}
