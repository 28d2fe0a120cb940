// The shared libraries (and the dynamic loader) an ELF program loads, as paths on this machine.
import fs from 'node:fs/promises';
import { ImageBuildError, run } from './exec.ts';

export async function isElf(file: string): Promise<boolean> {
  const fh = await fs.open(file, 'r');
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer.toString('latin1') === '\x7fELF';
  } finally {
    await fh.close();
  }
}

/**
 * Library paths from `ldd`, loader included; empty for a static program. Libraries found in `providedDir` (the
 * image's own copies of libraries this machine lacks, see inputs.ts) are the image's files already and left out.
 */
export async function sharedLibraries(program: string, providedDir?: string): Promise<string[]> {
  const r = await run('ldd', [program], providedDir ? { env: { LD_LIBRARY_PATH: providedDir } } : {});
  const output = `${r.stdout}\n${r.stderr}`;
  if (/not a dynamic executable|statically linked/.test(output)) return [];
  if (r.code !== 0) throw new ImageBuildError(`ldd ${program} failed (exit ${r.code}): ${output.trim()}`);
  const libs: string[] = [];
  for (const raw of r.stdout.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const missing = /^(\S+) => not found$/.exec(line);
    if (missing) throw new ImageBuildError(`${program} needs ${missing[1]}, which this machine does not have`);
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)";
    // linux-vdso.so.1 has no file.
    const m = /^(?:\S+ => )?(\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    if (m?.[1] && !(providedDir && m[1].startsWith(`${providedDir}/`))) libs.push(m[1]);
  }
  return libs;
}
