import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireCommand } from '../../../toolchain/tools.ts';
import { run } from '../../../toolchain/run.ts';

export interface ToolResult {
  code: number;
  output: string;
}

/** Run promtool in a temporary directory holding `files`; never throws for a non-zero exit. */
export function promtool(args: string[], files: Record<string, string>): Promise<ToolResult> {
  const bin = requireCommand('promtool', 'prometheus');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-promtool-'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return run(bin, args, { cwd: dir, timeout: 60_000 })
    .then((r) => ({ code: r.code, output: `${r.stdout}${r.stderr}` }))
    .finally(() => fs.rmSync(dir, { recursive: true, force: true }));
}
