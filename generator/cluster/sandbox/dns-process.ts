import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DAEMON = fileURLToPath(new URL('./dns-daemon.ts', import.meta.url));
/** tsx's loader, so the forked daemon runs TypeScript like its parent. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The cluster DNS server as a child process that the test process only feeds with records. */
export class DnsProcess {
  private child: ChildProcess | undefined;

  async start(address: string): Promise<void> {
    const child = fork(DAEMON, [address], { execArgv: ['--import', TSX], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      child.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(`sandbox DNS on ${address}: ${String(m)}`))));
      child.once('exit', (code) => reject(new Error(`sandbox DNS on ${address} exited with ${code}`)));
    });
  }

  setRecords(records: Map<string, string[]>): void {
    if (this.child?.connected) this.child.send([...records]);
  }

  stop(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}
