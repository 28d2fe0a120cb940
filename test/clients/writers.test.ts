// The clients/ programs against the host's redis-server and redis-sentinel: each follows a Sentinel failover
// (master SIGKILLed, down-after 1000 ms), acknowledges writes again on the new master, and loses none.
import { expect } from 'chai';
import { CLIENT_NAMES, hostPrograms, type HostPrograms } from '../support/client-programs.ts';
import { startHostSentinel, type HostSentinel } from '../support/host-sentinel.ts';
import { missingAcked } from '../support/ack-writer.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { startWriterProcess, type WriterProcess } from '../support/writer-process.ts';
import { clientRtoMs } from '../support/writer-result.ts';

describe('client programs on the host (redis-server + redis-sentinel)', function () {
  this.timeout(180_000);
  let programs: HostPrograms;
  let setup: HostSentinel | undefined;
  const running: WriterProcess[] = [];

  before(async () => {
    programs = await hostPrograms();
  });
  beforeEach(async () => {
    setup = await startHostSentinel();
  });
  afterEach(async () => {
    for (const w of running.splice(0)) w.kill();
    await setup?.stop();
    setup = undefined;
  });

  const baseEnv = (s: HostSentinel, prefix: string, durationMs: number) => ({
    PATH: process.env['PATH'] ?? '/usr/bin:/bin', SENTINELS: s.sentinels, MASTER_SET: s.masterSet, PASSWORD: s.password,
    PREFIX: prefix, DURATION_MS: String(durationMs),
  });

  it('every client in sentinel mode follows a failover: RTO from its own acks, nothing acknowledged lost', async () => {
    const s = setup!;
    const writers = CLIENT_NAMES.map((c) => {
      const w = startWriterProcess(programs.argv(c), { ...baseEnv(s, `host-${c}`, 12_000), ...programs.env(c), MODE: 'sentinel' });
      running.push(w);
      return { client: c, w };
    });
    await Promise.all(writers.map((x) => x.w.ready));
    await sleep(500);
    const oldPort = await s.masterPort();
    const killedAt = await s.killMaster();
    const newPort = await s.waitForFailover(oldPort);
    const reader = s.client(newPort);
    try {
      for (const { client, w } of writers) {
        const r = await w.result();
        const rto = clientRtoMs(r, killedAt);
        const missing = await missingAcked(reader, `host-${client}`, r.acked);
        console.log(`      [host] ${client} sentinel rtoMs=${rto} acknowledged=${r.acked.length} failed=${r.failed} missing=${missing.length}`);
        expect(r.client).to.equal(client);
        expect(r.mode).to.equal('sentinel');
        expect(r.attempts).to.be.at.least(r.acked.length + r.failed);
        expect(rto, `${client}: an acknowledged write after the kill; errors ${JSON.stringify(r.errors.slice(0, 5))}`).to.be.a('number').and.below(10_000);
        expect(missing, `${client}: acknowledged writes missing on the new master`).to.deep.equal([]);
        expect(r.errors.length).to.equal(Math.min(20, r.failed));
      }
    } finally {
      reader.disconnect();
    }
  });

  it('every client in url mode writes to the URL it is given, and counts WAIT 0 as a failed write', async () => {
    const s = setup!;
    const port = await s.masterPort();
    const url = `redis://default:${s.password}@127.0.0.1:${port}`;
    const writers = CLIENT_NAMES.map((c) => {
      const w = startWriterProcess(programs.argv(c), { ...baseEnv(s, `url-${c}`, 4000), ...programs.env(c), MODE: 'url', REDIS_URL: url });
      running.push(w);
      return { client: c, w };
    });
    await Promise.all(writers.map((x) => x.w.ready));
    // Both replicas stop replicating: WAIT 1 can no longer succeed.
    const master = s.client(port);
    try {
      await master.connect();
      const replicas = String(await master.info('replication')).match(/slave\d+:ip=[^,]+,port=(\d+)/g) ?? [];
      for (const r of replicas) {
        const c = s.client(Number(/port=(\d+)/.exec(r)![1]));
        await c.connect();
        await c.call('CLIENT', 'PAUSE', '2500', 'ALL'); // WAIT's 1 s runs out in the first 1.5 s of the writers' 4 s
        c.disconnect();
      }
      for (const { client, w } of writers) {
        const r = await w.result();
        expect(r.mode).to.equal('url');
        expect(r.acked.length, client).to.be.at.least(50);
        expect(r.failed, `${client}: writes while the replicas were paused`).to.be.at.least(1);
        expect(r.errors.map((e) => e.message).join('\n'), client).to.match(/WAIT reached 0 replicas/);
        expect(await missingAcked(master, `url-${client}`, r.acked)).to.deep.equal([]);
      }
    } finally {
      master.disconnect();
    }
  });
});
