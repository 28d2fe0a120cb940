// A TLS handshake with one server, as a client that checks the chain against a CA and the certificate against a name
// does; and a plaintext client on the same port.
import net from 'node:net';
import tls from 'node:tls';
import type { Endpoint } from '../../cluster/driver.ts';

export interface Handshake {
  /** The chain verified against the CA and the certificate names `servername`. */
  ok: boolean;
  /** The server certificate's serial number (hex, upper case, no leading zeros) when the handshake completed. */
  serial?: string;
  /** Why it failed: Node's error code (e.g. SELF_SIGNED_CERT_IN_CHAIN, ERR_TLS_CERT_ALTNAME_INVALID) or message. */
  error?: string;
}

export function handshake(ep: Endpoint, o: { ca: string; servername: string; timeoutMs?: number }): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: ep.host, port: ep.port, servername: o.servername, ca: o.ca, rejectUnauthorized: true, timeout: o.timeoutMs ?? 5000 });
    const done = (h: Handshake) => {
      socket.destroy();
      resolve(h);
    };
    socket.once('secureConnect', () => done({ ok: socket.authorized, serial: socket.getPeerCertificate().serialNumber?.toUpperCase().replace(/^0+/, '') }));
    socket.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, error: e.code ?? e.message }));
    socket.once('timeout', () => done({ ok: false, error: 'timeout' }));
  });
}

/** What a plaintext client reads back after sending PING (within `timeoutMs`): `+PONG` would mean it was served. */
export function plaintextPing(ep: Endpoint, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const socket = net.connect({ host: ep.host, port: ep.port });
    const done = (why: string) => {
      socket.destroy();
      resolve(got || why);
    };
    const timer = setTimeout(() => done('(no answer)'), timeoutMs);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => { got += d.toString('latin1'); });
    socket.on('close', () => { clearTimeout(timer); done('(closed)'); });
    socket.on('error', (e: NodeJS.ErrnoException) => { clearTimeout(timer); done(e.code ?? e.message); });
  });
}
