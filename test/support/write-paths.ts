import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { Release } from '../../cluster/driver.ts';
import { AckWriter, missingAcked, type WriterStats } from './ack-writer.ts';
import { masterServiceClient, podClient, sentinelClient, waitForSingleMaster, type ClientPatience } from './ha.ts';

/**
 * How an application reaches the master: Sentinel at the sentinel pods' addresses, Sentinel through the sentinel
 * Service (survives sentinel pods being re-created, as in an upgrade), or the -master Service (HAProxy).
 */
export type WritePath = 'sentinel' | 'sentinel-service' | 'master-service';

export interface PathResult {
  stats: WriterStats;
  /** Acknowledged writes the master does not hold afterwards. */
  missing: number[];
}

/**
 * The writers of a rolling operation run for minutes: flat out they took about a core of this machine's two (the test
 * process, the master, the replicas, HAProxy, the kernel's NAT), slowing every pod start they measure. Paced, each
 * still writes a few hundred times a second.
 */
const WRITE_PACE_MS = 4;

async function clientFor(release: Release, path: WritePath, patience: ClientPatience): Promise<{ client: Redis; close: () => void }> {
  if (path === 'master-service') {
    const client = await masterServiceClient(release, patience);
    return { client, close: () => client.disconnect() };
  }
  return sentinelClient(release, { viaService: path === 'sentinel-service', ...patience });
}

/**
 * Runs an acknowledged-write checker on each path while `body` runs, from a settled master until 50 more writes
 * are acknowledged on every path after it; then reads every acknowledged write back from the master.
 * `describe` adds the release's state to the error when a path acknowledges nothing afterwards; `patience` sets how
 * long the clients wait for a reply.
 */
export async function withWriters<T>(
  release: Release,
  paths: WritePath[],
  body: (writers: Map<WritePath, AckWriter>) => Promise<T>,
  opts: { describe?: () => Promise<string>; patience?: ClientPatience } = {},
): Promise<{ result: T; byPath: Map<WritePath, PathResult> }> {
  const describe = opts.describe ?? (async () => '');
  await waitForSingleMaster(release);
  const opened: { close: () => void }[] = [];
  const writers = new Map<WritePath, AckWriter>();
  const stats = new Map<WritePath, WriterStats>();
  try {
    for (const path of paths) {
      const c = await clientFor(release, path, opts.patience ?? {});
      opened.push(c);
      writers.set(path, new AckWriter(c.client, `ack-${path}`, 1, WRITE_PACE_MS).start());
    }
    await Promise.all([...writers.values()].map((w) => w.waitForAcks(50)));
    const result = await body(writers);
    await Promise.all([...writers.entries()].map(([path, w]) => w.waitForAcks(50, 60_000).catch(async (e: Error) => {
      throw new Error(`${path}: ${e.message}\n${await describe()}`);
    })));
    for (const [path, w] of writers) stats.set(path, await w.stop());
    const reader = await podClient(release, (await waitForSingleMaster(release)).master);
    try {
      const byPath = new Map<WritePath, PathResult>();
      for (const [path, w] of writers) byPath.set(path, { stats: stats.get(path)!, missing: await missingAcked(reader, w.prefix, w.acked) });
      return { result, byPath };
    } finally {
      reader.disconnect();
    }
  } finally {
    for (const [path, w] of writers) if (!stats.has(path)) await w.stop();
    for (const c of opened) c.close();
  }
}

/** Per path: acknowledged, lost, failed and the longest stall, as a scenario reports them. */
export function pathFigures(byPath: Map<WritePath, PathResult>, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [path, r] of byPath) {
    out[`${prefix}${path}.acknowledged`] = r.stats.acknowledged;
    out[`${prefix}${path}.lost`] = r.missing.length;
    out[`${prefix}${path}.failed`] = r.stats.failed;
    out[`${prefix}${path}.longestStallMs`] = r.stats.longestStallMs;
  }
  return out;
}

/** Nothing acknowledged lost on any path. */
export function expectNoLoss(byPath: Map<WritePath, PathResult>): void {
  for (const [path, r] of byPath) expect(r.missing, `acknowledged writes through ${path} missing`).to.deep.equal([]);
}

/** Nothing acknowledged lost on any path; no write through Sentinel failed. */
export function expectNoLossNoSentinelFailure(byPath: Map<WritePath, PathResult>): void {
  expectNoLoss(byPath);
  const sentinel = byPath.get('sentinel-service')!.stats;
  expect(sentinel.failed, `failed writes through Sentinel: ${sentinel.errors.slice(0, 5).join(' | ')}`).to.equal(0);
}
