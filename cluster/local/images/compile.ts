// Compiles the small C programs of the images (the pause binary) into static executables.
import { ImageBuildError, runOk } from './exec.ts';

/** Identifies the compiler for the cache key: another gcc may produce another binary. */
export async function compilerVersion(): Promise<string> {
  return (await runOk('gcc', ['-dumpfullversion', '-dumpmachine'])).trim().replace(/\s+/g, ' ');
}

export async function compileStatic(source: string, output: string): Promise<void> {
  try {
    await runOk('gcc', ['-Os', '-static', '-Wall', '-Wextra', '-o', output, source]);
  } catch (e) {
    throw new ImageBuildError(`${(e as Error).message}\n(static linking needs libc6-dev: apt-get install -y gcc libc6-dev)`);
  }
}
