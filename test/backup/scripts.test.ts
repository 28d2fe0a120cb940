import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { LocalRedis, podEnv, requireBackupTools, runScript, scriptsDir, tempDir } from './support.ts';
import { S3Server, S3_BUCKET } from './s3-server.ts';

/** The backup and restore scripts run for real with sh, redis-server on loopback and rclone, against temp dirs. */
describe('backup and restore scripts', function () {
  this.timeout(60_000);
  let scripts: string;
  let source: LocalRedis;
  const started: LocalRedis[] = [];

  before(async () => {
    requireBackupTools();
    scripts = scriptsDir();
    source = await LocalRedis.start(tempDir('source'));
    started.push(source);
    const lines = Array.from({ length: 500 }, (_, i) => `SET key:${i} value-${i}`);
    lines.push(...Array.from({ length: 100 }, (_, i) => `SET ttl:${i} v${i} EX 3600`));
    lines.push('HSET session:1 user alice role admin', 'RPUSH queue a b c');
    await source.pipe(lines.join('\n') + '\n');
  });

  after(async () => {
    for (const r of started) await r.stop();
  });

  /** Dump from the source node into a fresh work dir; returns the work dir and the backup name. */
  async function dump(extra: Record<string, string> = {}) {
    const work = tempDir('work');
    const r = await runScript(scripts, 'backup-dump.sh', podEnv(source.port, { DATA_PODS: '127.0.0.1', BACKUP_WORK_DIR: work, ...extra }));
    expect(r.code, r.stderr).to.equal(0);
    const name = fs.readFileSync(path.join(work, 'name'), 'utf8').trim();
    return { work, name, log: r.stderr };
  }

  function uploadEnv(work: string, o: { local?: string; remoteType?: string; remotePath?: string; rcloneConf?: string; now?: number; keepLast?: number; maxAgeDays?: number }) {
    const conf = path.join(tempDir('conf'), 'rclone.conf');
    fs.writeFileSync(conf, o.rcloneConf ?? '[remote]\ntype = local\n');
    return {
      BACKUP_WORK_DIR: work,
      RCLONE_CONFIG_FILE: conf,
      RCLONE_FLAGS: '--retries 1 --low-level-retries 1 --contimeout 2s',
      LOCAL_ENABLED: o.local ? 'true' : 'false',
      LOCAL_DIR: o.local ?? '',
      LOCAL_KEEP_LAST: String(o.keepLast ?? 28),
      LOCAL_MAX_AGE_DAYS: String(o.maxAgeDays ?? 7),
      REMOTE_TYPE: o.remoteType ?? 'local',
      REMOTE_PATH: o.remotePath ?? '',
      REMOTE_KEEP_LAST: String(o.keepLast ?? 120),
      REMOTE_MAX_AGE_DAYS: String(o.maxAgeDays ?? 30),
      ...(o.now ? { BACKUP_NOW_EPOCH: String(o.now) } : {}),
    };
  }

  async function restoreInto(data: string, o: { source: string; path?: string; rcloneConf?: string; backup?: string; force?: boolean; appendonly?: boolean }) {
    const restoreDir = tempDir('restore');
    const conf = path.join(tempDir('conf'), 'rclone.conf');
    fs.writeFileSync(conf, o.rcloneConf ?? '');
    const configFile = path.join(tempDir('etc'), 'redis.conf');
    fs.writeFileSync(configFile, `dir /data\nappendonly ${o.appendonly ? 'yes' : 'no'}\nappendfilename "appendonly.aof"\nappenddirname "appendonlydir"\n`);
    const env = podEnv(1, {
      RESTORE_DIR: restoreDir, DATA_DIR: data, CONFIG_FILE: configFile, BACKUPS_DIR: o.source === 'volume' ? o.path! : '',
      RESTORE_SOURCE: o.source, RESTORE_PATH: o.path ?? '', RESTORE_BACKUP: o.backup ?? 'latest', RESTORE_FORCE: String(o.force ?? false),
      RCLONE_CONFIG_FILE: conf, RCLONE_FLAGS: '--retries 1 --low-level-retries 1 --contimeout 2s',
    });
    const fetch = await runScript(scripts, 'restore-fetch.sh', env);
    if (fetch.code !== 0) return { code: fetch.code, log: fetch.stderr };
    const place = await runScript(scripts, 'restore.sh', env);
    return { code: place.code, log: fetch.stderr + place.stderr };
  }

  async function serve(data: string, appendonly = false): Promise<LocalRedis> {
    const r = await LocalRedis.start(data, ['--appendonly', appendonly ? 'yes' : 'no', '--appenddirname', 'appendonlydir']);
    started.push(r);
    return r;
  }

  it('dumps a verified, compressed RDB with a manifest that matches it', async () => {
    const { work, name } = await dump();
    expect(name).to.match(/^rdb-\d{8}T\d{6}Z$/);
    const manifest = JSON.parse(fs.readFileSync(path.join(work, `${name}.json`), 'utf8'));
    expect(manifest).to.include({ name, file: `${name}.rdb.gz`, keys: 602, expires: 100, engine: 'redis' });
    expect(manifest.source).to.deep.equal({ pod: '127', role: 'master' });
    expect(manifest.version).to.match(/^\d+\.\d+\.\d+$/);
    const archive = fs.readFileSync(path.join(work, manifest.file));
    expect(manifest.bytes).to.equal(archive.length);
    const { createHash } = await import('node:crypto');
    expect(manifest.sha256).to.equal(createHash('sha256').update(archive).digest('hex'));
  });

  it('fails loudly when no data node answers', async () => {
    const r = await runScript(scripts, 'backup-dump.sh', podEnv(1, { DATA_PODS: '127.0.0.1', BACKUP_WORK_DIR: tempDir('work') }));
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.match(/BACKUP FAILED while finding a healthy data node: no data node answers/);
  });

  it('stores on the volume, restores into an empty volume, and the server loads every key with its TTL', async () => {
    const { work, name } = await dump();
    const volume = tempDir('volume');
    const up = await runScript(scripts, 'backup-upload.sh', uploadEnv(work, { local: volume }));
    expect(up.code, up.stderr).to.equal(0);
    expect(fs.readdirSync(volume).sort()).to.deep.equal([`${name}.json`, `${name}.rdb.gz`, 'latest'].sort());
    expect(fs.readFileSync(path.join(volume, 'latest'), 'utf8').trim()).to.equal(name);

    for (const appendonly of [false, true]) {
      const data = tempDir('data');
      const r = await restoreInto(data, { source: 'volume', path: volume, appendonly });
      expect(r.code, r.log).to.equal(0);
      const server = await serve(data, appendonly);
      expect(await server.cli('DBSIZE')).to.equal('602');
      expect(await server.cli('GET', 'key:42')).to.equal('value-42');
      expect(await server.cli('HGET', 'session:1', 'role')).to.equal('admin');
      const ttl = Number(await server.cli('TTL', 'ttl:7'));
      expect(ttl).to.be.within(3500, 3600);
      await server.stop();
      if (appendonly) {
        // Written to by the server after the restore, and loaded again from the AOF on restart.
        const again = await serve(data, true);
        await again.cli('SET', 'after', 'restore');
        await again.stop();
        const third = await serve(data, true);
        expect(await third.cli('DBSIZE')).to.equal('603');
        await third.stop();
      }
    }
  });

  it('leaves a volume that holds data alone, unless force (once per backup)', async () => {
    const { work, name } = await dump();
    const volume = tempDir('volume');
    expect((await runScript(scripts, 'backup-upload.sh', uploadEnv(work, { local: volume }))).code).to.equal(0);
    const data = tempDir('data');
    const own = await serve(data);
    await own.cli('SET', 'own', 'data');
    await own.cli('SAVE');
    await own.stop();

    const kept = await restoreInto(data, { source: 'volume', path: volume });
    expect(kept.code, kept.log).to.equal(0);
    expect(kept.log).to.match(/already holds data/);
    let server = await serve(data);
    expect(await server.cli('DBSIZE')).to.equal('1');
    await server.stop();

    const forced = await restoreInto(data, { source: 'volume', path: volume, force: true, backup: name });
    expect(forced.code, forced.log).to.equal(0);
    server = await serve(data);
    expect(await server.cli('DBSIZE')).to.equal('602');
    await server.cli('SET', 'written', 'after');
    await server.cli('SAVE');
    await server.stop();

    const again = await restoreInto(data, { source: 'volume', path: volume, force: true, backup: name });
    expect(again.log).to.match(/already restored/);
    server = await serve(data);
    expect(await server.cli('GET', 'written')).to.equal('after');
    await server.stop();
  });

  it('refuses a corrupted backup, a missing backup and an empty store, and places nothing', async () => {
    const { work, name } = await dump();
    const volume = tempDir('volume');
    expect((await runScript(scripts, 'backup-upload.sh', uploadEnv(work, { local: volume }))).code).to.equal(0);
    const archive = path.join(volume, `${name}.rdb.gz`);
    const bytes = fs.readFileSync(archive);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    fs.writeFileSync(archive, bytes);

    const data = tempDir('data');
    const corrupted = await restoreInto(data, { source: 'volume', path: volume });
    expect(corrupted.code).to.not.equal(0);
    expect(corrupted.log).to.match(/RESTORE FAILED: rdb-\S+\.rdb\.gz is corrupted: sha256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}/);
    expect(fs.readdirSync(data)).to.deep.equal([]);

    const missing = await restoreInto(data, { source: 'volume', path: volume, backup: 'rdb-20000101T000000Z' });
    expect(missing.code).to.not.equal(0);
    expect(missing.log).to.match(/RESTORE FAILED: backup rdb-20000101T000000Z has no manifest/);

    const empty = await restoreInto(data, { source: 'volume', path: tempDir('empty') });
    expect(empty.code).to.not.equal(0);
    expect(empty.log).to.match(/RESTORE FAILED: no backup to restore/);
    expect(fs.readdirSync(data)).to.deep.equal([]);
  });

  it('retention deletes expired backups and leftovers of failed runs, and nothing else', async () => {
    const volume = tempDir('volume');
    const day = 86_400;
    const now = Math.floor(Date.now() / 1000);
    const names: string[] = [];
    for (const age of [10, 9, 8, 3, 2]) {
      const at = now - age * day;
      const { work, name } = await dump({ BACKUP_NOW_EPOCH: String(at) });
      const up = await runScript(scripts, 'backup-upload.sh', uploadEnv(work, { local: volume, now: at, keepLast: 2, maxAgeDays: 7 }));
      expect(up.code, up.stderr).to.equal(0);
      names.push(name);
    }
    // A failed run left data without a manifest.
    fs.writeFileSync(path.join(volume, 'rdb-20200101T000000Z.rdb.gz'), 'partial');
    const { work, name } = await dump({ BACKUP_NOW_EPOCH: String(now) });
    const up = await runScript(scripts, 'backup-upload.sh', uploadEnv(work, { local: volume, now, keepLast: 2, maxAgeDays: 7 }));
    expect(up.code, up.stderr).to.equal(0);
    // Earlier runs already expired the 10-day-old one; this run expires the 9- and 8-day-old ones. The 3-day-old one is
    // beyond keepLast but younger than maxAgeDays, so it stays.
    expect(up.stderr, up.stderr).to.match(new RegExp(`deleted 2 expired \\(keepLast 2, maxAgeDays 7\\) ${names[2]} ${names[1]}, 1 incomplete`));
    const kept = [names[3], names[4], name].flatMap((n) => [`${n}.json`, `${n}.rdb.gz`]);
    expect(fs.readdirSync(volume).sort()).to.deep.equal([...kept, 'latest'].sort());
  });

  describe('with an S3-protocol remote (s3rver on loopback)', () => {
    let s3: S3Server;
    before(async () => {
      s3 = await S3Server.start();
    });
    after(async () => {
      await s3?.close();
    });

    it('uploads data, then manifest, then latest, and restores from the bucket', async () => {
      const { work, name } = await dump();
      const local = tempDir('volume');
      const up = await runScript(scripts, 'backup-upload.sh', uploadEnv(work, { local, remoteType: 's3', remotePath: `${S3_BUCKET}/prod`, rcloneConf: s3.rcloneConf() }));
      expect(up.code, up.stderr).to.equal(0);
      expect(up.stderr).to.match(new RegExp(`stored ${name} on remote:${S3_BUCKET}/prod`));
      const data = tempDir('data');
      const r = await restoreInto(data, { source: 'remote', path: `${S3_BUCKET}/prod`, rcloneConf: s3.rcloneConf() });
      expect(r.code, r.log).to.equal(0);
      const server = await serve(data);
      expect(await server.cli('DBSIZE')).to.equal('602');
      await server.stop();
    });

    it('fails the run and says why when the remote is unreachable, keeping the local copy', async () => {
      const { work, name } = await dump();
      const local = tempDir('volume');
      const unreachable = s3.rcloneConf().replace(/endpoint = .*/, 'endpoint = http://127.0.0.1:9');
      const up = await runScript(scripts, 'backup-upload.sh', uploadEnv(work, { local, remoteType: 's3', remotePath: `${S3_BUCKET}/prod`, rcloneConf: unreachable }));
      expect(up.code).to.not.equal(0);
      expect(up.stderr).to.match(new RegExp(`BACKUP FAILED while uploading ${name} to remote:${S3_BUCKET}/prod`));
      expect(up.stderr).to.match(/connection refused/);
      expect(fs.readdirSync(local)).to.include(`${name}.json`);
    });
  });
});
