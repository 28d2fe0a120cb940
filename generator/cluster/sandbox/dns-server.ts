import dgram from 'node:dgram';

/**
 * The sandbox's cluster DNS: answers A queries for pod and Service names over UDP, as CoreDNS would.
 * Programs with their own resolver (HAProxy's `resolvers`) ignore /etc/hosts, so the hosts files alone
 * do not cover them.
 */
export class ClusterDnsServer {
  private socket: dgram.Socket | undefined;
  private records = new Map<string, string[]>();

  /** Replace the table: fully qualified name (no trailing dot) → IPv4 addresses. */
  setRecords(records: Map<string, string[]>): void {
    this.records = new Map([...records].map(([name, ips]) => [name.toLowerCase(), ips]));
  }

  async start(address: string, port = 53): Promise<void> {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      const reply = this.answer(msg);
      if (reply) socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, address, () => resolve());
    });
    socket.on('error', () => undefined);
    this.socket = socket;
  }

  stop(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  /** A reply to one query packet, or undefined for a packet that is not a standard query. */
  answer(query: Buffer): Buffer | undefined {
    if (query.length < 12 || (query[2]! & 0x80) !== 0 || query.readUInt16BE(4) !== 1) return undefined;
    const parsed = readName(query, 12);
    if (!parsed) return undefined;
    const { name, end } = parsed;
    if (end + 4 > query.length) return undefined;
    const qtype = query.readUInt16BE(end);
    const question = query.subarray(12, end + 4);
    const ips = this.records.get(name.toLowerCase());
    const answers = ips && (qtype === 1 || qtype === 255) ? ips : [];
    const rcode = ips ? 0 : 3; // NXDOMAIN for unknown names, NODATA (empty NOERROR) for other types of known ones
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | rcode, 2); // QR, AA, RD copied
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    return Buffer.concat([header, question, ...answers.map(aRecord)]);
  }
}

function aRecord(ip: string): Buffer {
  const rr = Buffer.alloc(16);
  rr.writeUInt16BE(0xc00c, 0); // pointer to the question name
  rr.writeUInt16BE(1, 2); // A
  rr.writeUInt16BE(1, 4); // IN
  rr.writeUInt32BE(1, 6); // TTL 1 s: readiness changes must show quickly
  rr.writeUInt16BE(4, 10);
  ip.split('.').forEach((octet, i) => rr.writeUInt8(Number(octet), 12 + i));
  return rr;
}

function readName(buf: Buffer, offset: number): { name: string; end: number } | undefined {
  const labels: string[] = [];
  let i = offset;
  while (i < buf.length) {
    const len = buf[i]!;
    if (len === 0) return { name: labels.join('.'), end: i + 1 };
    if (len > 63) return undefined; // compression pointers do not occur in questions
    labels.push(buf.toString('ascii', i + 1, i + 1 + len));
    i += 1 + len;
  }
  return undefined;
}
