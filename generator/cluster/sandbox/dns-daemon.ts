/**
 * Runs the sandbox's cluster DNS server in its own process: Sentinel resolves hostnames synchronously, so
 * a reply that waits on a busy test process would stall it past its 2 s TILT threshold.
 * Usage (forked by DnsProcess): dns-daemon.ts <address>; records arrive as IPC messages.
 */
import { ClusterDnsServer } from './dns-server.ts';

const address = process.argv[2];
if (!address || !process.send) throw new Error('dns-daemon is forked by the sandbox with an address and an IPC channel');
const server = new ClusterDnsServer();
process.on('message', (records: [string, string[]][]) => server.setRecords(new Map(records)));
process.on('disconnect', () => process.exit(0));
server.start(address).then(() => process.send!('ready'), (e: Error) => {
  process.send!(`error: ${e.message}`);
  process.exit(1);
});
