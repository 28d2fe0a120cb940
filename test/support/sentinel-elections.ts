/**
 * How the sentinels elected the failover leader after a failure, read from their logs: when each one saw the master
 * objectively down, which epochs were tried and who was elected. A split vote (two sentinels asking for votes in the
 * same epoch, each voting for itself) shows as an epoch with several candidates and no leader.
 */
import type { Release } from '../../cluster/driver.ts';
import { sentinelPods } from './ha.ts';

export interface ElectionRecord {
  /** Per sentinel pod: ms after `since` at which it logged +odown (absent when it never did). */
  readonly odownAfterMs: Record<string, number>;
  /** Per epoch tried: the sentinels that asked for votes in it (+try-failover) and whether one was elected. */
  readonly epochs: ReadonlyArray<{ epoch: number; candidates: string[]; elected: boolean }>;
}

// Sentinel's log timestamp: "7:X 01 Dec 2026 01:55:15.709 # +odown master ..."
const LINE = /^\d+:X (\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2}\.\d{3}) [#*.-] (\S+)(.*)$/;

function logTime(stamp: string): number {
  return Date.parse(`${stamp.replace(/^(\d{2}) (\w{3}) (\d{4}) /, '$2 $1 $3 ')} UTC`);
}

export async function electionsSince(release: Release, since: number): Promise<ElectionRecord> {
  const odownAfterMs: Record<string, number> = {};
  const epochs = new Map<number, { candidates: Set<string>; elected: boolean }>();
  for (const s of await sentinelPods(release)) {
    const text = await release.logs(s.name).catch(() => '');
    let epoch = 0;
    for (const raw of text.split('\n')) {
      const m = LINE.exec(raw);
      if (!m) continue;
      const [event, rest] = [m[2]!, m[3]!];
      if (event === '+new-epoch') epoch = Number(rest.trim());
      const at = logTime(m[1]!);
      if (!(at >= since)) continue;
      if (event === '+odown' && odownAfterMs[s.name] === undefined) odownAfterMs[s.name] = at - since;
      const entry = () => epochs.get(epoch) ?? (epochs.set(epoch, { candidates: new Set(), elected: false }).get(epoch)!);
      if (event === '+try-failover') entry().candidates.add(s.name);
      if (event === '+elected-leader') entry().elected = true;
    }
  }
  return {
    odownAfterMs,
    epochs: [...epochs].sort(([a], [b]) => a - b).map(([epoch, e]) => ({ epoch, candidates: [...e.candidates].sort(), elected: e.elected })),
  };
}

/** One line for a benchmark or a failure message: "odown +5012/+5013 ms; epoch 1: 2 candidates, split; epoch 2: elected". */
export function describeElection(record: ElectionRecord): string {
  const odown = Object.values(record.odownAfterMs).sort((a, b) => a - b).map((ms) => `+${ms}`).join('/') || 'none';
  const epochs = record.epochs.map((e) => `epoch ${e.epoch}: ${e.candidates.length} candidate(s), ${e.elected ? 'elected' : 'no leader'}`);
  return [`odown ${odown} ms`, ...epochs].join('; ');
}

/** Sentinel's timings as a profile sets them. */
export interface SentinelTimings {
  readonly downAfterMs: number;
  readonly failoverTimeoutMs: number;
}

/**
 * How long a failover of a failed master may take, to the first acknowledged write: down-after, the ping and ask
 * rounds, the election and the promotion within 5 s more. When the election split (two sentinels asked for votes in
 * the same epoch at the same moment, each voting for itself, as two of three left can), Sentinel asks again only
 * 2 × failover-timeout after its first attempt: that much more.
 */
export function failoverBoundMs(timings: SentinelTimings, record: ElectionRecord): { boundMs: number; split: boolean } {
  const split = record.epochs.some((e) => !e.elected && e.candidates.length > 1);
  return { boundMs: timings.downAfterMs + 5000 + (split ? 2 * timings.failoverTimeoutMs : 0), split };
}
