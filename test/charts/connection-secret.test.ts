import path from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { UMBRELLA_DIR, PROFILES_DIR } from '../../generator/paths.ts';
import fs from 'node:fs';
import os from 'node:os';
import { stringify } from 'yaml';
import { HELM_MAJORS, runHelm } from '../support/helm-runs.ts';
import { NASTY_PASSWORDS } from '../passwords/nasty-passwords.ts';

type Obj = { kind: string; metadata: { name: string }; stringData?: Record<string, string> };

const connectionSecrets = (yaml: string) =>
  parseAllDocuments(yaml).map((d) => d.toJS() as Obj | null).filter((o): o is Obj => o?.kind === 'Secret' && !!o.stringData?.['redis-url']);

describe('the connection Secret apps mount (REDIS_URL)', () => {
  for (const major of HELM_MAJORS) {
    it(`Helm ${major}: <release>-redis-connection by default, with a redis-url for the application user on the master Service (rediss://: ha-production serves TLS; app: its ACL users are on)`, async () => {
      const run = await runHelm(major, ['template', 'app', UMBRELLA_DIR, '-n', 'jobs', '-f', path.join(PROFILES_DIR, 'ha-production.yaml'), '--set', 'global.auth.password=S3cret']);
      expect(run.ok, run.stderr).to.equal(true);
      const [secret, ...more] = connectionSecrets(run.stdout);
      expect(more).to.deep.equal([]);
      expect(secret!.metadata.name).to.equal('app-redis-connection');
      expect(secret!.stringData!['redis-url']).to.equal('rediss://app:S3cret@app-redis-master.jobs.svc.cluster.local:6379');
      expect(secret!.stringData!['username']).to.equal('app');
      expect(secret!.stringData!['master-set']).to.equal('mymaster');
      expect(secret!.stringData!['sentinels']!.split(',')).to.have.length(3);
    });

    it(`Helm ${major}: a redis-url that gives back every special-character password exactly (URL-encoded, space as %20)`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-url-'));
      try {
        for (const [i, pw] of NASTY_PASSWORDS.entries()) {
          const values = path.join(dir, `${i}.yaml`);
          fs.writeFileSync(values, stringify({ global: { auth: { password: pw } } }));
          const run = await runHelm(major, ['template', 'app', UMBRELLA_DIR, '-f', path.join(PROFILES_DIR, 'dev.yaml'), '-f', values]);
          expect(run.ok, run.stderr).to.equal(true);
          const url = new URL(connectionSecrets(run.stdout)[0]!.stringData!['redis-url']!);
          expect(decodeURIComponent(url.password), JSON.stringify(pw)).to.equal(pw);
          expect(url.hostname).to.equal('app-redis-master.default.svc.cluster.local');
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it(`Helm ${major}: a password with a control character is refused by the values schema`, async () => {
      const run = await runHelm(major, ['template', 'app', UMBRELLA_DIR, '--set-json', 'global.auth.password="tab\\there"']);
      expect(run.ok).to.equal(false);
      expect(run.stderr).to.match(/global[./]auth[./]password/).and.match(/\^\[ -~\]\*\$/);
    });

    it(`Helm ${major}: global.auth.connectionSecretName keeps apps written for redis-credentials working`, async () => {
      const run = await runHelm(major, ['template', 'app', UMBRELLA_DIR, '-f', path.join(PROFILES_DIR, 'dev.yaml'), '--set', 'global.auth.connectionSecretName=redis-credentials,global.auth.password=given']);
      expect(run.ok, run.stderr).to.equal(true);
      expect(connectionSecrets(run.stdout).map((s) => s.metadata.name)).to.deep.equal(['redis-credentials']);
    });

    it(`Helm ${major}: a connection Secret name that is not a Kubernetes name is refused`, async () => {
      const run = await runHelm(major, ['template', 'app', UMBRELLA_DIR, '--set', 'global.auth.connectionSecretName=Redis_Creds']);
      expect(run.ok).to.equal(false);
      expect(run.stderr).to.match(/connectionSecretName/);
    });
  }
});
