import net from 'node:net';

export interface ProxyBackend {
  ip: string;
  port: number;
}

/**
 * A Service's ClusterIP: a /32 on the bridge and a TCP proxy per port. Each new connection picks the next ready
 * endpoint (round robin, resolved at connect time), as kube-proxy does; with none, the client gets a reset.
 */
export class ServiceProxy {
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private next = 0;

  constructor(
    readonly vip: string,
    private readonly ports: { port: number; backends: () => ProxyBackend[] }[],
  ) {}

  async start(): Promise<void> {
    for (const p of this.ports) {
      const server = net.createServer((client) => this.forward(client, p.backends()));
      server.on('error', () => {});
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: this.vip, port: p.port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.servers.push(server);
    }
  }

  private forward(client: net.Socket, backends: ProxyBackend[]): void {
    this.sockets.add(client);
    client.once('close', () => this.sockets.delete(client));
    client.on('error', () => {});
    if (backends.length === 0) return void client.resetAndDestroy();
    const b = backends[this.next++ % backends.length]!;
    const upstream = net.connect({ host: b.ip, port: b.port });
    this.sockets.add(upstream);
    upstream.once('close', () => this.sockets.delete(upstream));
    upstream.on('error', () => client.resetAndDestroy());
    client.on('error', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}
