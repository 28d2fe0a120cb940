import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Release, SecretSpec } from '../../cluster/driver.ts';
import {
  connectionSecretName, masterServiceName, readServiceName, sentinelHeadlessName, sentinelName, serverHeadlessName, tlsSecretName,
} from '../../generator/charts/names.ts';
import { ask, dataPods, REDIS_PORT, SENTINEL_PORT, sentinelPods, waitForSingleMaster } from '../support/ha.ts';
import { handshake, plaintextPing } from '../support/tls-handshake.ts';
import { expectNoLossNoSentinelFailure, pathFigures, withWriters, type WritePath } from '../support/write-paths.ts';
import { makeCa, makeCert, type Ca } from '../tls/support/certs.ts';
import { HA_ONLY, SETTLED } from './ha.ts';
import { report } from './report.ts';
import type { Scenario } from './scenario.ts';

const CLUSTER_DOMAIN = 'cluster.local';
const PATHS: WritePath[] = ['sentinel-service', 'master-service'];
/** The Secret the renewal scenario brings, as cert-manager or an operator would make it. */
const OWN_SECRET = 'own-redis-tls';

interface Member { pod: string; port: number; dnsName: string }

/** Every data pod and sentinel with the DNS name its certificate must carry. */
async function members(release: Release): Promise<Member[]> {
  const name = (pod: string, headless: string) => `${pod}.${headless}.${release.namespace}.svc.${CLUSTER_DOMAIN}`;
  return [
    ...(await dataPods(release)).map((p) => ({ pod: p.name, port: REDIS_PORT, dnsName: name(p.name, serverHeadlessName(release.name)) })),
    ...(await sentinelPods(release)).map((p) => ({ pod: p.name, port: SENTINEL_PORT, dnsName: name(p.name, sentinelHeadlessName(release.name)) })),
  ];
}

/** The serial each member serves, checked against `ca` and the member's own DNS name (undefined: the handshake failed). */
async function servedSerials(release: Release, ca: string): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const m of await members(release)) {
    const h = await handshake(await release.endpoint({ pod: m.pod }, m.port), { ca, servername: m.dnsName });
    out[m.pod] = h.ok ? h.serial : `failed: ${h.error}`;
  }
  return out;
}

/** The names the chart's own certificate carries (rc.tlsDnsNames), for a certificate the user brings. */
function releaseDnsNames(release: string, namespace: string): string[] {
  const fqdn = (service: string) => [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.${CLUSTER_DOMAIN}`];
  return [
    'localhost',
    `*.${serverHeadlessName(release)}.${namespace}.svc.${CLUSTER_DOMAIN}`,
    `*.${sentinelHeadlessName(release)}.${namespace}.svc.${CLUSTER_DOMAIN}`,
    ...[masterServiceName, readServiceName, serverHeadlessName, sentinelName, sentinelHeadlessName].flatMap((n) => fqdn(n(release))),
  ];
}

/** One CA per test process (its key stays here), and the key pairs it signs: the first and its renewal. */
class OwnCertificates {
  private made: { dir: string; ca: Ca } | undefined;

  private root(): { dir: string; ca: Ca } {
    if (!this.made) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-own-tls-'));
      process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
      this.made = { dir, ca: makeCa(path.join(dir, 'ca'), 'redis-charts test CA') };
    }
    return this.made;
  }

  /** A kubernetes.io/tls Secret for the release, signed by the CA, and its serial. */
  secret(release: string, namespace: string, label: string): { spec: SecretSpec; serial: string } {
    const { dir: root, ca } = this.root();
    const dir = makeCert(path.join(root, `${release}-${label}`), ca, release, { dns: releaseDnsNames(release, namespace), ips: ['127.0.0.1'] });
    const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
    return {
      spec: { name: OWN_SECRET, type: 'kubernetes.io/tls', data: { 'tls.crt': read('tls.crt'), 'tls.key': read('tls.key'), 'ca.crt': read('ca.crt') } },
      serial: serialOf(read('tls.crt')),
    };
  }

  /** A CA nobody signed the release's certificate with. */
  otherCa(): string {
    return fs.readFileSync(makeCa(path.join(this.root().dir, 'other'), 'another CA').crt, 'utf8');
  }
}

const own = new OwnCertificates();

/** ha-production's TLS, on the release the HA scenarios share (its certificate generated in the cluster). */
export const sharedScenarios: Scenario[] = [
  {
    name: 'TLS (ha-production): every data pod and sentinel presents the generated certificate, verified against the connection Secret\'s CA for its own DNS name; plaintext clients and clients that trust another CA are refused; replicas replicate over TLS',
    profile: 'ha-production',
    values: HA_ONLY,
    sharesRelease: SETTLED,
    timeoutMs: 180_000,
    async run(release) {
      const connection = await release.secret(connectionSecretName(release.name));
      expect(connection['redis-url'], 'the connection Secret\'s URL').to.match(/^rediss:\/\//);
      const ca = connection['ca.crt'];
      expect(ca, 'the connection Secret carries the CA').to.match(/BEGIN CERTIFICATE/);
      const generated = await release.secret(tlsSecretName(release.name));
      expect(generated['ca.crt'], 'the CA apps get is the one of the TLS Secret').to.equal(ca);
      const serial = serialOf(generated['tls.crt']!);

      const served = await servedSerials(release, ca!);
      expect(Object.values(served), `served certificates ${JSON.stringify(served)}`).to.deep.equal(Object.keys(served).map(() => serial));

      const other = own.otherCa();
      for (const m of await members(release)) {
        const ep = await release.endpoint({ pod: m.pod }, m.port);
        const untrusting = await handshake(ep, { ca: other, servername: m.dnsName });
        expect(untrusting.ok, `${m.pod}: a client trusting another CA`).to.equal(false);
        expect(untrusting.error, m.pod).to.match(/CERT|VERIFY|SELF_SIGNED/);
        const wrongName = await handshake(ep, { ca: ca!, servername: `${m.pod}.example.com` });
        expect(wrongName.error, `${m.pod}: a name the certificate does not carry`).to.equal('ERR_TLS_CERT_ALTNAME_INVALID');
        expect(await plaintextPing(ep), `${m.pod}: a plaintext PING`).to.not.include('PONG');
      }

      const { master, replicas } = await waitForSingleMaster(release, { sentinels: 3 });
      expect(String(await ask(release, master, REDIS_PORT, 'INFO', 'replication'))).to.match(/connected_slaves:2/);
      for (const r of replicas) {
        expect(await ask(release, r, REDIS_PORT, 'CONFIG', 'GET', 'tls-replication'), r).to.deep.equal(['tls-replication', 'yes']);
        expect(String(await ask(release, r, REDIS_PORT, 'INFO', 'replication')), r).to.match(/master_link_status:up/);
      }
      report('tls', { members: Object.keys(served).length, serial });
    },
  },
];

/** The certificate as the user brings it (existingSecret), renewed in place while applications write. */
export const renewalScenarios: Scenario[] = [
  {
    name: 'TLS with your own certificate (existingSecret): a renewed key pair put into the Secret while writers run is served by every data node within a minute, without a restart; nothing acknowledged lost, no write through Sentinel fails; sentinels keep the certificate they started with',
    profile: 'ha-production',
    values: { ...HA_ONLY, global: { tls: { existingSecret: OWN_SECRET } } },
    secrets: ({ release, namespace }) => [own.secret(release, namespace, 'first').spec],
    timeoutMs: 420_000,
    async run(release) {
      const first = serialOf((await release.secret(OWN_SECRET))['tls.crt']!);
      const ca = (await release.secret(connectionSecretName(release.name)))['ca.crt']!;
      const before = await servedSerials(release, ca);
      expect(Object.values(before), JSON.stringify(before)).to.deep.equal(Object.keys(before).map(() => first));
      const uids = (await release.pods()).map((p) => `${p.name}:${p.uid}`).sort();

      const renewed = own.secret(release.name, release.namespace, 'renewed');
      let renewalMs = 0;
      const { byPath } = await withWriters(release, PATHS, async () => {
        const started = Date.now();
        await release.applySecret(renewed.spec);
        const deadline = started + 90_000;
        for (;;) {
          const served = await servedSerials(release, ca);
          const data = (await dataPods(release)).map((p) => served[p.name]);
          if (data.every((s) => s === renewed.serial)) break;
          if (Date.now() > deadline) throw new Error(`data nodes still serve ${JSON.stringify(data)} 90 s after the renewal (${renewed.serial})`);
          await sleep(2000);
        }
        renewalMs = Date.now() - started;
      });
      report('tls-renewal', { ...pathFigures(byPath), renewalMs });
      expectNoLossNoSentinelFailure(byPath);
      expect((await release.pods()).map((p) => `${p.name}:${p.uid}`).sort(), 'no pod restarted or re-created').to.deep.equal(uids);
      // Sentinel cannot load a certificate at run time: it serves the first one (same CA) until it restarts.
      const after = await servedSerials(release, ca);
      for (const s of await sentinelPods(release)) expect(after[s.name], s.name).to.equal(first);
    },
  },
];

/** A certificate's serial as hex digits without leading zeros (openssl and Node spell it differently). */
function serialOf(pem: string): string {
  return new X509Certificate(pem).serialNumber.toUpperCase().replace(/^0+/, '');
}

export const scenarios: Scenario[] = [...sharedScenarios, ...renewalScenarios];
