// Certificates for the TLS tests, made with the host's openssl in a directory of the test's: a CA, and certificates it
// signs, laid out as a kubernetes.io/tls Secret mounts them (ca.crt, tls.crt, tls.key).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { requireCommand } from '../../../toolchain/tools.ts';

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

export interface Ca {
  crt: string;
  key: string;
}

/** A self-signed CA in `dir` (ca.crt, ca.key), valid for a day. */
export function makeCa(dir: string, name: string): Ca {
  requireCommand('openssl', 'openssl');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'ca.cnf'), [
    '[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', `CN = ${name}`,
    '[ca]', 'basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign', '',
  ].join('\n'));
  openssl(['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-config', 'ca.cnf', '-extensions', 'ca', '-keyout', 'ca.key', '-out', 'ca.crt'], dir);
  return { crt: path.join(dir, 'ca.crt'), key: path.join(dir, 'ca.key') };
}

/**
 * A certificate signed by `ca` for server and client use, in `dir` as a TLS Secret mounts it: tls.crt, tls.key, and the
 * CA as ca.crt. Returns the directory.
 */
export function makeCert(dir: string, ca: Ca, name: string, sans: { dns: string[]; ips: string[] }): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cert.cnf'), [
    '[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', `CN = ${name}`,
    '[leaf]', 'basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = serverAuth, clientAuth', 'subjectAltName = @names', '[names]',
    ...sans.dns.map((d, i) => `DNS.${i + 1} = ${d}`), ...sans.ips.map((ip, i) => `IP.${i + 1} = ${ip}`), '',
  ].join('\n'));
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-config', 'cert.cnf',
    '-keyout', 'tls.key', '-out', 'tls.csr'], dir);
  openssl(['x509', '-req', '-days', '1', '-in', 'tls.csr', '-CA', ca.crt, '-CAkey', ca.key, '-set_serial', `0x${openssl(['rand', '-hex', '16'], dir).trim()}`,
    '-extfile', 'cert.cnf', '-extensions', 'leaf', '-out', 'tls.crt'], dir);
  fs.copyFileSync(ca.crt, path.join(dir, 'ca.crt'));
  fs.rmSync(path.join(dir, 'tls.csr'));
  return dir;
}

/** The serial number of the certificate a TLS server on host:port presents (openssl s_client). */
export function servedSerial(host: string, port: number, caFile: string, client?: { cert: string; key: string }): string {
  const out = execFileSync('sh', ['-c', 'openssl s_client -connect "$1" -CAfile "$2" $3 </dev/null 2>/dev/null | openssl x509 -noout -serial', 'sh',
    `${host}:${port}`, caFile, client ? `-cert ${client.cert} -key ${client.key}` : ''], { encoding: 'utf8', timeout: 10_000 });
  return out.trim().replace(/^serial=/, '');
}

/** The serial number of a certificate file. */
export function fileSerial(file: string): string {
  return openssl(['x509', '-noout', '-serial', '-in', file], path.dirname(file)).trim().replace(/^serial=/, '');
}
