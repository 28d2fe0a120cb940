import { expect } from 'chai';
import { runScript, scriptsDir, tempDir } from './support.ts';
import fs from 'node:fs';
import path from 'node:path';

const DAY = 86_400;
const NOW = Date.UTC(2026, 10, 21, 12, 0, 0) / 1000;

/** Run backup-common.sh's expired_backups through real sh. */
async function expired(names: string[], keepLast: number, maxAgeDays: number): Promise<string[]> {
  const scripts = scriptsDir();
  const probe = path.join(tempDir('probe'), 'probe.sh');
  fs.writeFileSync(probe, `. "${scripts}/backup-common.sh"\nexpired_backups ${keepLast} ${maxAgeDays}\n`);
  const r = await runScript(path.dirname(probe), 'probe.sh', { BACKUP_NOW_EPOCH: String(NOW) }, names.join('\n') + '\n');
  expect(r.code, r.stderr).to.equal(0);
  return r.stdout.split('\n').filter(Boolean);
}

const nameAt = (epoch: number) => `rdb-${new Date(epoch * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}`;

describe('backup retention selection (backup-common.sh)', () => {
  it('names a backup by its UTC time', () => {
    expect(nameAt(NOW)).to.equal('rdb-20261121T120000Z');
  });

  it('deletes only backups beyond keepLast that are older than maxAgeDays', async () => {
    // One backup every 6 h for 10 days, newest first.
    const names = Array.from({ length: 40 }, (_, i) => nameAt(NOW - i * 6 * 3600));
    const gone = await expired(names, 4, 7);
    const expected = names.filter((n, i) => i >= 4 && n < nameAt(NOW - 7 * DAY));
    expect(gone).to.have.members(expected);
    expect(gone).to.have.length(40 - 29); // 7 days of 4 a day, plus the one exactly at the cutoff is kept
  });

  it('keeps the keepLast newest even when all are older than maxAgeDays', async () => {
    const names = [60, 50, 40, 30].map((d) => nameAt(NOW - d * DAY));
    expect(await expired(names, 3, 7)).to.deep.equal([nameAt(NOW - 60 * DAY)]);
  });

  it('ignores anything that is not a backup name, and duplicates', async () => {
    const old = nameAt(NOW - 90 * DAY);
    expect(await expired(['latest', 'rdb-garbage', old, old, nameAt(NOW)], 1, 1)).to.deep.equal([old]);
  });

  it('keeps everything younger than maxAgeDays beyond keepLast', async () => {
    const names = [0, 1, 2, 3].map((d) => nameAt(NOW - d * DAY));
    expect(await expired(names, 1, 30)).to.deep.equal([]);
  });
});
