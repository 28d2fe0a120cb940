import fs from 'node:fs';
import S3rver from 's3rver';
import { tempDir } from './support.ts';

export const S3_KEY = 'S3RVER';
export const S3_BUCKET = 'redis-backups';

/** An S3-protocol server (s3rver) in this process, bound to one address, with one bucket. */
export class S3Server {
  private constructor(private readonly server: S3rver, readonly endpoint: string, private readonly dir: string) {}

  static async start(address = '127.0.0.1'): Promise<S3Server> {
    const dir = tempDir('s3');
    const server = new S3rver({ address, port: 0, silent: true, directory: dir, configureBuckets: [{ name: S3_BUCKET, configs: [] }] });
    const { port } = await server.run();
    return new S3Server(server, `http://${address}:${port}`, dir);
  }

  /** rclone.conf with a remote named `remote`, as the backup chart renders it for S3-compatible servers. */
  rcloneConf(): string {
    return ['[remote]', 'type = s3', 'provider = Other', `endpoint = ${this.endpoint}`,
      `access_key_id = ${S3_KEY}`, `secret_access_key = ${S3_KEY}`, 'force_path_style = true', ''].join('\n');
  }

  async close(): Promise<void> {
    await this.server.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
