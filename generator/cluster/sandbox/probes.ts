import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { UnsupportedManifestError } from './errors.ts';
import type { Probe } from './k8s-types.ts';

export type ProbeKind = 'startup' | 'readiness' | 'liveness';

export interface ProbeOutcome {
  ok: boolean;
  message: string;
  at: number;
}

/** How a probe reaches its container. */
export interface ProbeTarget {
  podIP: string;
  resolvePort(port: number | string): number;
  exec(argv: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string; timedOut: boolean }>;
}

export function checkProbeSupported(p: Probe | undefined, where: string): void {
  if (p && !p.exec && !p.tcpSocket && !p.httpGet) {
    throw new UnsupportedManifestError(`${where}: only exec, tcpSocket and httpGet probes are supported`);
  }
}

async function tcpCheck(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean, message: string) => {
      s.destroy();
      resolve({ ok, message, at: Date.now() });
    };
    s.setTimeout(timeoutMs, () => done(false, `dial tcp ${host}:${port}: i/o timeout`));
    s.once('connect', () => done(true, ''));
    s.once('error', (e) => done(false, `dial tcp ${host}:${port}: ${e.message}`));
  });
}

async function httpCheck(p: NonNullable<Probe['httpGet']>, host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const secure = p.scheme?.toUpperCase() === 'HTTPS';
  const path = p.path ?? '/';
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
    for (const h of p.httpHeaders ?? []) headers[h.name] = h.value;
    const req = (secure ? https : http).get(
      { host, port, path, headers, timeout: timeoutMs, ...(secure ? { rejectUnauthorized: false } : {}) },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve({ ok: code >= 200 && code < 400, message: `HTTP probe failed with statuscode: ${code}`, at: Date.now() });
      },
    );
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded')));
    req.on('error', (e) =>
      resolve({ ok: false, message: `Get "http://${host}:${port}${path}": ${e.message}`, at: Date.now() }),
    );
  });
}

export async function runProbeOnce(p: Probe, t: ProbeTarget): Promise<ProbeOutcome> {
  const timeoutMs = (p.timeoutSeconds ?? 1) * 1000;
  if (p.exec) {
    const r = await t.exec(p.exec.command, timeoutMs);
    if (r.timedOut) return { ok: false, message: `command timed out after ${timeoutMs / 1000}s`, at: Date.now() };
    const output = (r.stdout + r.stderr).trim().split('\n').slice(-3).join(' | ');
    return { ok: r.code === 0, message: `exit code ${r.code}${output ? `: ${output}` : ''}`, at: Date.now() };
  }
  if (p.tcpSocket) return tcpCheck(p.tcpSocket.host ?? t.podIP, t.resolvePort(p.tcpSocket.port), timeoutMs);
  if (p.httpGet) return httpCheck(p.httpGet, p.httpGet.host ?? t.podIP, t.resolvePort(p.httpGet.port), timeoutMs);
  throw new UnsupportedManifestError('probe without exec, tcpSocket or httpGet');
}

export interface ProberEvents {
  /** The probe's verdict changed (readiness: ready/unready; startup: started; liveness: failed). */
  onVerdict(ok: boolean, last: ProbeOutcome): void;
  /** Every failed attempt, for diagnostics. */
  onFailure?(o: ProbeOutcome): void;
}

/**
 * One probe of one container run, on kubelet's schedule: the first attempt after initialDelaySeconds, then every
 * periodSeconds measured from the previous start (an attempt longer than the period delays the next one).
 */
export class Prober {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private successes = 0;
  private failures = 0;
  private verdict: boolean | undefined;
  last: ProbeOutcome | undefined;

  constructor(
    readonly kind: ProbeKind,
    private readonly probe: Probe,
    private readonly target: ProbeTarget,
    private readonly events: ProberEvents,
  ) {}

  start(): void {
    const first = Date.now() + (this.probe.initialDelaySeconds ?? 0) * 1000;
    this.schedule(first);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(at: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(at), Math.max(0, at - Date.now()));
  }

  private async tick(scheduled: number): Promise<void> {
    if (this.stopped) return;
    let outcome: ProbeOutcome;
    try {
      outcome = await runProbeOnce(this.probe, this.target);
    } catch (e) {
      outcome = { ok: false, message: String(e), at: Date.now() };
    }
    if (this.stopped) return;
    this.last = outcome;
    if (!outcome.ok) this.events.onFailure?.(outcome);
    if (outcome.ok) {
      this.successes++;
      this.failures = 0;
    } else {
      this.failures++;
      this.successes = 0;
    }
    const successThreshold = this.kind === 'readiness' ? (this.probe.successThreshold ?? 1) : 1;
    const failureThreshold = this.probe.failureThreshold ?? 3;
    let next: boolean | undefined;
    if (this.successes >= successThreshold) next = true;
    else if (this.failures >= failureThreshold) next = false;
    if (next !== undefined && next !== this.verdict) {
      this.verdict = next;
      this.events.onVerdict(next, outcome);
    }
    if (this.kind === 'startup' && this.verdict === true) return;
    const period = (this.probe.periodSeconds ?? 10) * 1000;
    let nextAt = scheduled + period;
    while (nextAt < Date.now()) nextAt += period;
    this.schedule(nextAt);
  }
}
