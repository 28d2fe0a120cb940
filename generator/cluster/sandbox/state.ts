import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bridgeName, cleanStaleSync, currentOwner, netnsPrefix, ownerAlive, STATE_ROOT, type Owner } from './cleanup.ts';
import { sleep } from './run.ts';

/** One SandboxCluster's claim on a bridge and a /24, recorded on disk so other processes skip it. */
export interface InstanceClaim {
  readonly index: number;
  readonly dir: string;
  readonly owner: Owner;
  readonly bridge: string;
  /** First three octets of the /24, e.g. "10.244.7". */
  readonly subnet: string;
  readonly netnsPrefix: string;
}

const LOCK_DIR = join(STATE_ROOT, '.lock');
const MAX_INDEX = 250;

/** A cross-process lock: mkdir is atomic; a lock whose holder died is broken. */
async function withStateLock<T>(fn: () => Promise<T>): Promise<T> {
  await mkdir(STATE_ROOT, { recursive: true });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      await writeFile(join(LOCK_DIR, 'owner.json'), JSON.stringify(currentOwner()));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = await readFile(join(LOCK_DIR, 'owner.json'), 'utf8').then((s) => JSON.parse(s) as Owner, () => undefined);
      if (holder && !ownerAlive(holder)) await rm(LOCK_DIR, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`sandbox state lock ${LOCK_DIR} is held by PID ${holder?.pid ?? '?'}`);
      else await sleep(20);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(LOCK_DIR, { recursive: true, force: true });
  }
}

export function claimInstance(): Promise<InstanceClaim> {
  return withStateLock(async () => {
    cleanStaleSync();
    const owner = currentOwner();
    for (let index = 1; index <= MAX_INDEX; index++) {
      const dir = join(STATE_ROOT, String(index));
      if (existsSync(dir) || existsSync(`/sys/class/net/${bridgeName(index)}`)) continue;
      await mkdir(dir);
      await writeFile(join(dir, 'owner.json'), JSON.stringify(owner));
      return {
        index,
        dir,
        owner,
        bridge: bridgeName(index),
        subnet: `10.244.${index}`,
        netnsPrefix: netnsPrefix(index, owner.pid),
      };
    }
    throw new Error(`all ${MAX_INDEX} sandbox slots under ${STATE_ROOT} are in use by live processes`);
  });
}
