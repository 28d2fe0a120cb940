// What `redis-charts up` prints for a TLS release: a rediss:// REDIS_URL and where the CA is. From the objects a
// kubectl would return (no cluster).
import { expect } from 'chai';
import { kubeConnectionInfo } from '../../cli/release-connection.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function kubectl(tls: boolean) {
  const objects: Record<string, unknown[]> = {
    services: [{ metadata: { name: 'cache-redis-master' }, spec: { clusterIP: '10.96.0.10', ports: [{ port: 6379 }] } }],
    secrets: [
      { metadata: { name: 'cache-redis-auth' }, data: { 'redis-password': b64('p w') } },
      { metadata: { name: 'cache-redis-connection' }, data: { 'redis-url': b64(`${tls ? 'rediss' : 'redis'}://default:p%20w@cache-redis-master.redis.svc.cluster.local:6379`) } },
    ],
    pods: [{
      metadata: { name: 'cache-redis-0' }, status: { podIP: '10.100.1.5' },
      spec: {
        nodeName: 'worker', containers: [{ name: 'redis', env: [{ name: 'AUTH_ENABLED', value: 'true' }, ...(tls ? [{ name: 'TLS_ENABLED', value: 'true' }] : [])] }],
        volumes: tls ? [{ name: 'tls', secret: { secretName: 'cache-redis-tls' } }] : [],
      },
    }],
  };
  return async (args: string[]) => JSON.stringify({ items: objects[args[1]!] ?? [] });
}

describe('redis-charts up: how to connect to a TLS release', () => {
  it('prints a rediss:// REDIS_URL and the Secret with the CA', async () => {
    const info = await kubeConnectionInfo(kubectl(true), 'cache', 'redis', true);
    expect(info.env.REDIS_URL).to.equal('rediss://default:p%20w@10.96.0.10:6379');
    expect(info.text).to.include('TLS only: trust the CA of Secret cache-redis-tls, key ca.crt (also in cache-redis-connection)');
  });

  it('prints redis:// and no TLS line without TLS', async () => {
    const info = await kubeConnectionInfo(kubectl(false), 'cache', 'redis', true);
    expect(info.env.REDIS_URL).to.equal('redis://default:p%20w@10.96.0.10:6379');
    expect(info.text).to.not.include('TLS');
  });
});
