import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

export interface WriterStats {
  attempts: number;
  acknowledged: number;
  failed: number;
  /** Longest time between two acknowledged writes, in ms. */
  longestStallMs: number;
  errors: string[];
}

/**
 * Writes a monotonic counter (`<prefix>:<n>` = n), one write at a time, each confirmed with WAIT 1:
 * a write counts as acknowledged only when a replica has it too. Runs until stopped.
 */
export class AckWriter {
  readonly acked: number[] = [];
  /** When each acknowledged write was sent, and when its WAIT returned. */
  private readonly ackTimes: { sentAt: number; ackedAt: number }[] = [];
  readonly started = Date.now();
  private n = 0;
  private failed = 0;
  private errors: string[] = [];
  private running: Promise<void> | undefined;
  private stopping = false;
  private lastAckAt = 0;
  private longestStallMs = 0;

  /** `paceMs`: a pause after each write, so a long run leaves the cluster's CPU to what it tests (0: flat out). */
  constructor(private readonly client: Redis, readonly prefix = 'ack', private readonly minReplicas = 1, private readonly paceMs = 0) {}

  start(): this {
    this.lastAckAt = Date.now();
    this.running = this.loop();
    return this;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const n = ++this.n;
      const sentAt = Date.now();
      try {
        await this.client.set(`${this.prefix}:${n}`, String(n));
        const replicas = Number(await this.client.call('WAIT', String(this.minReplicas), '1000'));
        if (replicas >= this.minReplicas) this.recordAck(n, sentAt);
        else this.recordFailure(`write ${n}: WAIT reached ${replicas} replicas`);
        if (this.paceMs) await sleep(this.paceMs);
      } catch (e) {
        this.recordFailure(`write ${n}: ${(e as Error).message}`);
        await sleep(50);
      }
    }
  }

  private recordAck(n: number, sentAt: number): void {
    const now = Date.now();
    this.longestStallMs = Math.max(this.longestStallMs, now - this.lastAckAt);
    this.lastAckAt = now;
    this.acked.push(n);
    this.ackTimes.push({ sentAt, ackedAt: now });
  }

  private recordFailure(message: string): void {
    this.failed++;
    const at = ((Date.now() - this.started) / 1000).toFixed(1);
    if (this.errors.length < 20) this.errors.push(`${at}s ${message}`);
  }

  /** When the first write sent at or after `t` was acknowledged, or undefined. */
  firstAckSentAfter(t: number): number | undefined {
    return this.ackTimes.find((x) => x.sentAt >= t)?.ackedAt;
  }

  /** Resolves once `count` more writes have been acknowledged (or rejects after timeoutMs). */
  async waitForAcks(count: number, timeoutMs = 30_000): Promise<void> {
    const target = this.acked.length + count;
    const deadline = Date.now() + timeoutMs;
    while (this.acked.length < target) {
      if (Date.now() > deadline) throw new Error(`only ${this.acked.length} of ${target} writes acknowledged after ${timeoutMs} ms; last errors: ${this.errors.slice(-3).join(' | ')}`);
      await sleep(20);
    }
  }

  async stop(): Promise<WriterStats> {
    this.stopping = true;
    await this.running;
    return { attempts: this.n, acknowledged: this.acked.length, failed: this.failed, longestStallMs: this.longestStallMs, errors: this.errors };
  }
}

/** Acknowledged counter values that `reader` does not hold. */
export async function missingAcked(reader: Redis, prefix: string, acked: number[]): Promise<number[]> {
  const missing: number[] = [];
  for (let i = 0; i < acked.length; i += 1000) {
    const batch = acked.slice(i, i + 1000);
    const values = await reader.mget(...batch.map((n) => `${prefix}:${n}`));
    values.forEach((v, j) => { if (v !== String(batch[j])) missing.push(batch[j]!); });
  }
  return missing;
}

