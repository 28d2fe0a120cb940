import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireCommand } from '../../../toolchain/tools.ts';

export interface ToolResult {
  code: number;
  output: string;
}

/** Run promtool in a temporary directory holding `files`; never throws for a non-zero exit. */
export function promtool(args: string[], files: Record<string, string>): Promise<ToolResult> {
  const bin = requireCommand('promtool', 'prometheus');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-promtool-'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return new Promise((resolve) => {
    execFile(bin, args, { cwd: dir, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      fs.rmSync(dir, { recursive: true, force: true });
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}
