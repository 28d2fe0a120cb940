import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './support.ts';
import { runChecked } from '../../toolchain/run.ts';


/** The test's own view of a bucket, through rclone with the same config the pods get. */
export class Bucket {
  private readonly conf: string;

  constructor(rcloneConf: string, readonly prefix: string) {
    this.conf = path.join(tempDir('bucket'), 'rclone.conf');
    fs.writeFileSync(this.conf, rcloneConf);
  }

  private async rclone(...args: string[]): Promise<string> {
    // Only PATH: the host's AWS_* variables must not reach rclone.
    return runChecked('rclone', ['--config', this.conf, ...args], { env: { PATH: process.env.PATH }, maxBuffer: 1 << 28 });
  }

  async list(): Promise<string[]> {
    return (await this.rclone('lsf', '--files-only', `remote:${this.prefix}`)).split('\n').filter(Boolean).sort();
  }

  async read(name: string): Promise<Buffer> {
    const file = path.join(tempDir('get'), name);
    await this.rclone('copyto', `remote:${this.prefix}/${name}`, file);
    return fs.readFileSync(file);
  }

  async write(name: string, content: Buffer | string): Promise<void> {
    const file = path.join(tempDir('put'), name);
    fs.writeFileSync(file, content);
    await this.rclone('copyto', file, `remote:${this.prefix}/${name}`);
  }
}

