import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { dataPods, waitForSingleMaster } from '../support/ha.ts';
import { serverName } from '../../generator/charts/names.ts';
import { Bucket } from '../backup/bucket.ts';
import { S3_BUCKET, S3_KEY, type S3Server } from '../backup/s3-server.ts';
import { profileFile, type Scenario } from './scenario.ts';
import { backupUninstallRestore, expectDataset, KEYS, mergeValues, runBackup, sentinelsAgreeOn, writeDataset } from './backup.ts';

const LEAN = { exporter: { enabled: false }, alerts: { enabled: false } };

function s3ValuesFor(s3: S3Server, prefix: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const endpoint = s3.endpoint;
  const { hostname, port } = new URL(endpoint);
  // Where the release has NetworkPolicies, its backup jobs may reach only this server besides the release.
  const egress = [{ to: [{ ipBlock: { cidr: `${hostname}/32` } }], ports: [{ port: Number(port), protocol: 'TCP' }] }];
  return mergeValues(LEAN, {
    global: { networkPolicy: { backupEgress: egress } },
    backup: {
      enabled: true,
      remote: { type: 's3', path: `${S3_BUCKET}/${prefix}`, s3: { provider: 'Other', endpoint, forcePathStyle: true, envAuth: false, accessKeyId: S3_KEY, secretAccessKey: S3_KEY } },
    },
  }, extra);
}
const restoreFrom = (prefix: string, extra: Record<string, unknown> = {}) =>
  ({ server: { restore: { enabled: true, source: 'remote', path: `${S3_BUCKET}/${prefix}`, ...extra } } });


const day = 86_400_000;
const nameAt = (ms: number) => `rdb-${new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}`;

/**
 * Backups to an S3 server on this machine at an address the cluster's pods reach. Not in the scenario registry: the
 * values name the server, so the suite that starts it builds these.
 */
export function s3Scenarios(server: () => S3Server): Scenario[] {
  const s3Values = (prefix: string, extra: Record<string, unknown> = {}) => s3ValuesFor(server(), prefix, extra);
  const bucket = (prefix: string) => new Bucket(server().rcloneConf(), `${S3_BUCKET}/${prefix}`);
  return [
  {
    name: 'S3 remote: data, manifest and latest in the bucket; restore into an HA release, replicated and monitored by Sentinel',
    profile: 'dev',
    get values() { return s3Values('ha'); },
    timeoutMs: 480_000,
    async run(release, c) {
      const r = await backupUninstallRestore(release, c, {
        profile: 'ha-production',
        values: {},
        restoreValues: mergeValues(s3Values('ha'), restoreFrom('ha'), { sentinel: { podAntiAffinity: 'none' }, server: { podAntiAffinity: 'none' } }),
      });
      try {
        const b = bucket('ha');
        const files = await b.list();
        expect(files).to.include.members([`${r.manifest.name}.rdb.gz`, `${r.manifest.name}.json`, 'latest']);
        expect((await b.read('latest')).toString().trim()).to.equal(r.manifest.name);
        const archive = await b.read(`${r.manifest.name}.rdb.gz`);
        expect(createHash('sha256').update(archive).digest('hex')).to.equal(r.manifest.sha256);
        expect(JSON.parse((await b.read(`${r.manifest.name}.json`)).toString())).to.deep.equal(r.manifest);

        const topology = await waitForSingleMaster(r.release, { timeoutMs: 60_000 });
        await expectDataset(r.release, topology.master, r.elapsedS + 60);
        for (const p of await dataPods(r.release)) {
          if (p.name !== topology.master) await expectDataset(r.release, p.name, r.elapsedS + 60);
        }
        await sentinelsAgreeOn(r.release, topology.master);
        console.log(`      [backup→HA restore] keys=${KEYS + 1} backupMs=${r.backupMs} restoreInstallMs=${r.restoreMs}`);
      } finally {
        await r.release.uninstall({ keepVolumes: false });
      }
    },
  },
  {
    name: 'S3 remote: a corrupted backup makes restore refuse, and the data pod does not start empty',
    profile: 'dev',
    get values() { return s3Values('corrupt'); },
    timeoutMs: 300_000,
    async run(release, c) {
      await writeDataset(release);
      const { manifest } = await runBackup(release);
      const b = bucket('corrupt');
      const bad = nameAt(Date.now() + 1000);
      const archive = await b.read(`${manifest.name}.rdb.gz`);
      archive[Math.floor(archive.length / 2)]! ^= 0xff;
      await b.write(`${bad}.rdb.gz`, archive);
      await b.write(`${bad}.json`, JSON.stringify({ ...manifest, name: bad, file: `${bad}.rdb.gz` }));
      await release.uninstall({ keepVolumes: false });
      const r = await c.install({
        release: release.name, valuesFiles: [profileFile('dev')], values: mergeValues(s3Values('corrupt'), restoreFrom('corrupt', { backup: bad })), wait: false,
      });
      try {
        const pod = `${serverName(release.name)}-0`;
        const deadline = Date.now() + 60_000;
        let logs = '';
        while (!/RESTORE FAILED/.test(logs) && Date.now() < deadline) {
          logs = await r.logs(pod, 'restore').catch(() => '');
          await new Promise((res) => setTimeout(res, 500));
        }
        expect(logs).to.match(new RegExp(`RESTORE FAILED: ${bad}\\.rdb\\.gz is corrupted: sha256 [0-9a-f]{64}, the manifest says ${manifest.sha256}`));
        const [info] = await r.pods({ 'app.kubernetes.io/component': 'server' });
        expect(info?.ready).to.equal(false);
        expect(await r.logs(pod, 'redis').catch(() => '')).to.equal('');
      } finally {
        await r.uninstall({ keepVolumes: false });
      }
    },
  },
  {
    name: 'S3 remote: retention after several runs deletes only what is beyond keepLast and older than maxAgeDays',
    profile: 'dev',
    get values() { return s3Values('retention', { backup: { retention: { remote: { keepLast: 2, maxAgeDays: 7 }, local: { keepLast: 1, maxAgeDays: 1 } } } }); },
    timeoutMs: 240_000,
    async run(release) {
      await writeDataset(release);
      const first = await runBackup(release);
      const b = bucket('retention');
      // Older runs, seeded as copies of a real backup under the names (UTC times) they would have had.
      const archive = await b.read(`${first.manifest.name}.rdb.gz`);
      const seeded = [10, 9, 3].map((d) => nameAt(Date.now() - d * day));
      for (const n of seeded) {
        await b.write(`${n}.rdb.gz`, archive);
        await b.write(`${n}.json`, JSON.stringify({ ...first.manifest, name: n, file: `${n}.rdb.gz` }));
      }
      await b.write('rdb-20200101T000000Z.rdb.gz', 'left by a failed upload');
      await new Promise((res) => setTimeout(res, 1100));
      const second = await runBackup(release);
      expect(second.logs).to.match(new RegExp(`retention on remote:${S3_BUCKET}/retention: deleted 2 expired \\(keepLast 2, maxAgeDays 7\\) ${seeded[1]} ${seeded[0]}, 1 incomplete`));
      expect(second.logs).to.match(/retention on the backup volume: deleted 0 expired \(keepLast 1, maxAgeDays 1\)/);
      const kept = [second.manifest.name, first.manifest.name, seeded[2]!].flatMap((n) => [`${n}.json`, `${n}.rdb.gz`]);
      expect(await b.list()).to.deep.equal([...kept, 'latest'].sort());
    },
  },
];
}
