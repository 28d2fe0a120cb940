import { randomBytes } from 'node:crypto';
import { runOk, run } from './run.ts';
import { deleteNetns, deleteNetnsSync } from './cleanup.ts';
import type { InstanceClaim } from './state.ts';

const POD_HOSTS = { first: 2, last: 199 };
const VIP_HOSTS = { first: 200, last: 254 };

/**
 * Hands out host numbers in a /24. Freed addresses go to the back of the queue, so a re-created pod gets a new
 * IP (as on Kubernetes) and stale addresses in Sentinel or client caches are not silently valid again.
 */
export class AddressPool {
  private readonly free: number[];
  constructor(private readonly subnet: string, range: { first: number; last: number }) {
    this.free = Array.from({ length: range.last - range.first + 1 }, (_, i) => range.first + i);
  }
  allocate(): string {
    const host = this.free.shift();
    if (host === undefined) throw new Error(`no free addresses left in ${this.subnet}.0/24`);
    return `${this.subnet}.${host}`;
  }
  release(ip: string): void {
    const host = Number(ip.split('.')[3]);
    if (!this.free.includes(host)) this.free.push(host);
  }
}

/** The host side of the sandbox network: one Linux bridge with .1 and one /32 per Service VIP. */
export class Bridge {
  readonly gateway: string;
  readonly podAddresses: AddressPool;
  readonly serviceAddresses: AddressPool;

  constructor(private readonly claim: InstanceClaim) {
    this.gateway = `${claim.subnet}.1`;
    this.podAddresses = new AddressPool(claim.subnet, POD_HOSTS);
    this.serviceAddresses = new AddressPool(claim.subnet, VIP_HOSTS);
  }

  get name(): string {
    return this.claim.bridge;
  }

  async create(): Promise<void> {
    const br = this.claim.bridge;
    await runOk('ip', ['link', 'add', br, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
    await runOk('ip', ['addr', 'add', `${this.gateway}/24`, 'dev', br]);
    await runOk('ip', ['link', 'set', br, 'up']);
  }

  async addServiceAddress(ip: string): Promise<void> {
    await runOk('ip', ['addr', 'add', `${ip}/32`, 'dev', this.claim.bridge]);
  }

  async removeServiceAddress(ip: string): Promise<void> {
    await run('ip', ['addr', 'del', `${ip}/32`, 'dev', this.claim.bridge]);
  }

  async destroy(): Promise<void> {
    await run('ip', ['link', 'del', this.claim.bridge]);
  }
}

/** A pod's network namespace with eth0 (a veth into the bridge), lo, and a default route via the bridge. */
export class PodNetwork {
  private constructor(
    readonly netns: string,
    readonly hostVeth: string,
    readonly ip: string,
  ) {}

  get netnsPath(): string {
    return `/run/netns/${this.netns}`;
  }

  static async create(claim: InstanceClaim, bridge: Bridge, seq: number): Promise<PodNetwork> {
    const netns = `${claim.netnsPrefix}${seq}`;
    // Random, not sequential: a name must not collide with a veth whose namespace is still being torn down.
    const hostVeth = `rcs${claim.index}v${randomBytes(3).toString('hex')}`;
    const ip = bridge.podAddresses.allocate();
    try {
      await runOk('ip', ['netns', 'add', netns]);
      await runOk('ip', ['-b', '-'], {
        input: [
          `link add ${hostVeth} type veth peer name eth0 netns ${netns}`,
          `link set ${hostVeth} master ${bridge.name} up`,
        ].join('\n'),
      });
      await runOk('ip', ['-n', netns, '-b', '-'], {
        input: [
          'link set lo up',
          `addr add ${ip}/24 dev eth0`,
          'link set eth0 up',
          `route add default via ${bridge.gateway}`,
        ].join('\n'),
      });
    } catch (e) {
      deleteNetnsSync(netns);
      bridge.podAddresses.release(ip);
      throw e;
    }
    return new PodNetwork(netns, hostVeth, ip);
  }

  /** Downing the bridge port drops traffic both ways, including to Service VIPs (they live on the host side). */
  async cut(): Promise<void> {
    await runOk('ip', ['link', 'set', this.hostVeth, 'down']);
  }

  async heal(): Promise<void> {
    await runOk('ip', ['link', 'set', this.hostVeth, 'up']);
  }

  /** Kills anything still inside the namespace; the veth pair goes with it. */
  async destroy(bridge: Bridge): Promise<void> {
    await deleteNetns(this.netns);
    bridge.podAddresses.release(this.ip);
  }
}
