import net from 'node:net';

/** Send one inline command on a fresh connection without authenticating; resolves with the first reply line. */
export function rawCommand(host: string, port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => socket.write(`${command}\r\n`));
    socket.setTimeout(3000, () => { socket.destroy(); reject(new Error(`no reply to ${command} from ${host}:${port}`)); });
    socket.once('data', (d) => { resolve(d.toString().split('\r\n')[0]!); socket.end(); });
    socket.once('error', reject);
  });
}
