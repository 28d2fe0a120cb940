// Go programs of this repository (the go-redis client probe), built by the image builder into static binaries.
// Go's own build and module caches make a rebuild after a small change fast; the image's cache key covers the
// module's files and the Go version, so an unchanged program is not rebuilt at all.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ImageBuildError, run, runOk } from './exec.ts';

/** The module's inputs: its .go files, go.mod and go.sum, sorted. */
export async function goModuleFiles(moduleDir: string): Promise<string[]> {
  const entries = await fs.readdir(moduleDir, { recursive: true, withFileTypes: true }).catch(() => {
    throw new ImageBuildError(`missing Go module ${moduleDir}`);
  });
  return entries
    .filter((e) => e.isFile() && (/\.go$/.test(e.name) || e.name === 'go.mod' || e.name === 'go.sum'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

export async function goVersion(): Promise<string> {
  return (await runOk('go', ['version']).catch((e: Error) => {
    throw new ImageBuildError(`${e.message}; the go-redis image is built from a Go module: install Go 1.26 or newer`);
  })).trim();
}

/** Throws unless go.mod requires `module` at exactly `version` (the pin the image is tagged with). */
export async function checkGoRequire(moduleDir: string, module: string, version: string): Promise<void> {
  const gomod = await fs.readFile(path.join(moduleDir, 'go.mod'), 'utf8');
  const m = new RegExp(`^\\s*(?:require\\s+)?${module.replace(/[.]/g, '\\.')}\\s+(\\S+)`, 'm').exec(gomod);
  if (m?.[1] !== version) {
    throw new ImageBuildError(`${moduleDir}/go.mod requires ${module} ${m?.[1] ?? '(nothing)'}, but ${version} is pinned (cluster/local/images/specs.ts)`);
  }
}

// CGO_ENABLED=0: a static binary, no libc in the image. -trimpath and no VCS stamp: the same sources give the same
// binary wherever the checkout is. -mod=readonly: go.sum must already pin every module.
export async function buildGoProgram(moduleDir: string, output: string): Promise<void> {
  await fs.mkdir(path.dirname(output), { recursive: true });
  const r = await run('go', ['build', '-trimpath', '-buildvcs=false', '-ldflags', '-s -w', '-o', output, '.'], {
    cwd: moduleDir, env: { CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
  });
  if (r.code !== 0) throw new ImageBuildError(`go build in ${moduleDir} failed (exit ${r.code}): ${r.stderr.trim()}`);
}
