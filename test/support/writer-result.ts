// The RESULT line of the acknowledged-write programs in clients/ (contract in clients/README.md), read into numbers
// the scenarios compare with their own clock.

export interface WriterError {
  atMs: number;
  n: number;
  message: string;
}

export interface WriterResult {
  client: string;
  mode: string;
  startedAt: number;
  attempts: number;
  failed: number;
  errors: WriterError[];
  /** Counter values acknowledged (SET then WAIT 1 >= 1). */
  acked: number[];
  /** Per acknowledged write, epoch ms when it was sent and when its WAIT returned. */
  ackTimes: { sentAt: number; ackedAt: number }[];
}

/** The one `RESULT {json}` line of a program's output; throws with the output's tail when there is none. */
export function parseWriterResult(output: string): WriterResult {
  const lines = output.split('\n').filter((l) => l.startsWith('RESULT '));
  if (lines.length !== 1) {
    throw new Error(`expected one RESULT line, found ${lines.length}; output ends with:\n${output.slice(-2000)}`);
  }
  const raw = JSON.parse(lines[0]!.slice('RESULT '.length)) as {
    client: string; mode: string; startedAt: number; attempts: number; failed: number; errors: WriterError[]; acks: [number, number, number][];
  };
  return {
    client: raw.client,
    mode: raw.mode,
    startedAt: raw.startedAt,
    attempts: raw.attempts,
    failed: raw.failed,
    errors: raw.errors,
    acked: raw.acks.map(([n]) => n),
    ackTimes: raw.acks.map(([, sent, acked]) => ({ sentAt: raw.startedAt + sent, ackedAt: raw.startedAt + acked })),
  };
}

/**
 * Recovery time seen by the client: from `killedAt` to the acknowledgement of its first write sent at or after
 * `goneAt` (once the old master was gone, so only a new master can have acknowledged it). undefined: none was.
 */
export function clientRtoMs(result: WriterResult, killedAt: number, goneAt = killedAt): number | undefined {
  const first = result.ackTimes.find((t) => t.sentAt >= goneAt);
  return first === undefined ? undefined : first.ackedAt - killedAt;
}
