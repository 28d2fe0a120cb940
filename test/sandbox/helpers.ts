import { Redis } from 'ioredis';
import type { Endpoint } from '../../generator/cluster/types.ts';

export const PASSWORD = 's3cr3t-password';

const clients = new Set<Redis>();

/** A client that fails fast instead of reconnecting forever; closed by closeClients(). */
export function redis(ep: Endpoint, password: string | undefined = PASSWORD): Redis {
  const c = new Redis({
    host: ep.host,
    port: ep.port,
    password,
    connectTimeout: 1500,
    commandTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: true,
    lazyConnect: false,
  });
  c.on('error', () => {});
  clients.add(c);
  return c;
}

export function closeClients(): void {
  for (const c of clients) c.disconnect();
  clients.clear();
}

/** Retry an assertion until it passes or the time is up (then rethrow its last error). */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 15_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, stepMs));
    }
  }
}

/** One command on a fresh connection (a new connection is what a Service VIP balances). */
export async function once<T>(ep: Endpoint, fn: (c: Redis) => Promise<T>, password: string | undefined = PASSWORD): Promise<T> {
  const c = redis(ep, password);
  try {
    return await fn(c);
  } finally {
    c.disconnect();
    clients.delete(c);
  }
}
