import fs from 'node:fs';
import path from 'node:path';
import { GENERATOR_DIR } from '../../../generator/paths.ts';

const source = (chart: string, file: string) => fs.readFileSync(path.join(GENERATOR_DIR, 'charts', chart, 'files', file), 'utf8');

/**
 * The chart's start scripts, runnable on this machine: the same text with the pod paths (/scripts,
 * /etc/redis, /run/redis, /data, /etc/redis-auth, /etc/sentinel) moved under one directory.
 */
export function hostScripts(dir: string): { lib: string; serverStart: string; sentinelStart: string } {
  const moved = (text: string) => text
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
  };
  fs.writeFileSync(files.lib, moved(source('shared', 'lib.sh')));
  fs.writeFileSync(files.serverStart, moved(source('redis-server', 'start.sh')));
  fs.writeFileSync(files.sentinelStart, moved(source('redis-sentinel', 'start.sh')));
  return files;
}
