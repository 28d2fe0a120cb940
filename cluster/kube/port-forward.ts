import net from 'node:net';
import * as k8s from '@kubernetes/client-node';
import type { Endpoint } from '../driver.ts';
import type { CommandRunner } from './plan.ts';

export interface ForwardTarget {
  pod: string;
  port: number;
}

/**
 * Local TCP listeners that forward each connection to a pod port through the API server (what
 * `kubectl port-forward` does). The pod is resolved per connection, so a forward survives the pod being
 * re-created, and a Service forward follows whichever pod backs it now.
 */
export class PortForwards {
  private readonly servers = new Map<string, { server: net.Server; endpoint: Endpoint }>();

  constructor(
    private readonly runner: CommandRunner,
    private readonly context: string,
    private readonly kubeConfig: () => k8s.KubeConfig,
  ) {}

  /** `key` names the target (e.g. "pod/x" or "service/y"); `resolve` picks the pod and its port for each connection. */
  async open(namespace: string, key: string, port: number, resolve: () => Promise<ForwardTarget>): Promise<Endpoint> {
    const id = `${namespace}/${key}:${port}`;
    const existing = this.servers.get(id);
    if (existing) return existing.endpoint;
    return this.runner.api(['--context', this.context, 'port-forward', key, `:${port}`, '-n', namespace], async () => {
      const server = net.createServer((socket) => void this.forward(socket, namespace, resolve));
      await new Promise<void>((done, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => done()));
      const endpoint = { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port };
      this.servers.set(id, { server, endpoint });
      return endpoint;
    }, { host: '127.0.0.1', port });
  }

  async closeAll(): Promise<void> {
    const all = [...this.servers.values()];
    this.servers.clear();
    await Promise.all(all.map(({ server }) => new Promise<void>((r) => server.close(() => r()))));
  }

  private async forward(socket: net.Socket, namespace: string, resolve: () => Promise<ForwardTarget>): Promise<void> {
    socket.on('error', () => socket.destroy());
    try {
      const { pod, port } = await resolve();
      const opened = await new k8s.PortForward(this.kubeConfig()).portForward(namespace, pod, [port], socket, null, socket);
      const ws = typeof opened === 'function' ? opened() : opened;
      if (!ws) return void socket.destroy();
      ws.on('close', () => socket.end());
      ws.on('error', () => socket.destroy());
      socket.on('close', () => ws.close());
    } catch {
      socket.destroy();
    }
  }
}
