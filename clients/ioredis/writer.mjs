// The acknowledged-write probe (clients/README.md) with ioredis: `sentinels` + `name` in MODE=sentinel, a
// redis:// URL in MODE=url (the release's -master Service, HAProxy in front of the master).
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

const READY_AFTER_ACKS = 50;
const MAX_ERRORS = 20;

function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

// Settings shared by both modes:
// connectTimeout 1 s: a dead master's address must not hold a reconnect for long.
// commandTimeout 2 s: above WAIT's 1 s, so only a frozen server times a command out.
// retryStrategy 100 ms: reconnect at once and often; in sentinel mode each reconnect asks Sentinel for the master.
// socketTimeout 1.5 s: a failed node leaves the connection open with nothing coming back; a command timeout alone
// keeps sending to it, a socket timeout closes it, so the next command reconnects (through Sentinel) at once.
// maxRetriesPerRequest 1: a command is sent once more after its connection dropped, then fails to the loop.
// reconnectOnError: a READONLY or NOREPLICAS reply means this connection reaches a demoted or cut-off master;
// 2 reconnects and resends the command, so it goes to whichever server is master now.
const COMMON = {
  connectTimeout: 1000,
  commandTimeout: 2000,
  socketTimeout: 1500,
  retryStrategy: () => 100,
  maxRetriesPerRequest: 1,
  reconnectOnError: (err) => (/^(READONLY|NOREPLICAS)/.test(err.message) ? 2 : false),
};

// TLS_CA_FILE (the connection Secret's ca.crt): TLS to the sentinels and the data nodes, trusting only that CA; Node
// checks each server's certificate against the host it dials (the master's hostname Sentinel announces).
function tlsOptions() {
  const file = process.env.TLS_CA_FILE;
  return file ? { ca: readFileSync(file), minVersion: 'TLSv1.2' } : undefined;
}

function connect(mode) {
  const password = process.env.PASSWORD || undefined;
  const tls = tlsOptions();
  if (mode === 'sentinel') {
    const sentinels = env('SENTINELS').split(',').map((a) => {
      const i = a.lastIndexOf(':');
      return { host: a.slice(0, i), port: Number(a.slice(i + 1)) };
    });
    return new Redis({
      ...COMMON,
      sentinels,
      name: env('MASTER_SET'),
      // The user the password opens on the data nodes (the connection Secret's username); sentinels open it to default.
      username: process.env.REDIS_USERNAME || 'default',
      password,
      sentinelUsername: 'default',
      sentinelPassword: password,
      // A sentinel that does not answer within 1 s is skipped for the next one, retried every 100 ms.
      sentinelCommandTimeout: 1000,
      sentinelRetryStrategy: () => 100,
      ...(tls && { tls, sentinelTLS: tls, enableTLSForSentinelMode: true }),
      // No failoverDetector: with ioredis 6.0.0 a client with it stayed at "Connection is closed" after a node
      // failure (every later command failed at once); the socket timeout above notices the failover instead.
    });
  }
  if (mode === 'url') {
    const url = env('REDIS_URL');
    if (tls && !url.startsWith('rediss://')) {
      console.error('TLS_CA_FILE is set but REDIS_URL is not rediss://');
      process.exit(2);
    }
    return new Redis(url, { ...COMMON, ...(tls && { tls }) });
  }
  console.error(`MODE must be sentinel or url, not ${JSON.stringify(mode)}`);
  process.exit(2);
}

const mode = env('MODE');
const prefix = env('PREFIX');
const durationMs = Number(env('DURATION_MS'));
const client = connect(mode);
// Connection errors during a failover are expected; the failed writes record them.
client.on('error', () => {});

const startedAt = Date.now();
const since = () => Date.now() - startedAt;
const result = { client: 'ioredis', mode, startedAt, attempts: 0, failed: 0, errors: [], acks: [] };
const fail = (n, message) => {
  result.failed++;
  if (result.errors.length < MAX_ERRORS) result.errors.push({ atMs: since(), n, message });
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

for (let n = 1; since() < durationMs; n++) {
  result.attempts++;
  const sentAt = since();
  let replicas;
  try {
    await client.set(`${prefix}:${n}`, String(n));
    replicas = Number(await client.call('WAIT', '1', '1000'));
  } catch (e) {
    fail(n, e.message);
    await sleep(50);
    continue;
  }
  if (replicas < 1) {
    fail(n, `WAIT reached ${replicas} replicas`);
    continue;
  }
  result.acks.push([n, sentAt, since()]);
  if (result.acks.length === READY_AFTER_ACKS) process.stdout.write('READY\n');
}
client.disconnect();
// The write callback: exit only once the (large) line has reached stdout, a pipe that may be slower than us.
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
