// Builds the local images as OCI tarballs in outDir, skipping those whose inputs have not changed.
// Layout: <outDir>/<name>.oci.tar, <name>.stamp.json, <name>/rootfs (kept for inspection and tests), and
// <outDir>/pypi-cache (the PyPI wheels some images take files from, downloaded once, and their extracted members).
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileHasher, builderHash, cacheKey, readStamp, writeStamp } from './cache.ts';
import { compileStatic, compilerVersion } from './compile.ts';
import { installedVersions, owningPackages, upstreamVersion } from './debian.ts';
import { buildGoProgram, goVersion } from './go-program.ts';
import { ImageBuildError, run } from './exec.ts';
import { resolveInputs, type CopiedFile, type ImageInputs } from './inputs.ts';
import { writeOciTarball } from './oci.ts';
import { assembleRootfs, ownedPaths } from './rootfs.ts';
import { IMAGE_SPECS, REPO_ROOT, type ImageSpec } from './specs.ts';
import { withDirLock } from '../dir-lock.ts';

export interface BuiltImage {
  /** Full reference, e.g. redis-charts.local/redis:7.0.15-debian12. */
  name: string;
  /** The spec's short name, e.g. redis. */
  spec: string;
  tarball: string;
  /** sha256 of the manifest, "sha256:<hex>". */
  digest: string;
}

export interface BuildOptions {
  outDir: string;
  /** Short names ("redis") or full references; all images when absent. */
  only?: readonly string[];
  log?: (line: string) => void;
}

/** Thrown after the other images were built when some could not be; `built` has those that were. */
export class ImagesNotBuiltError extends ImageBuildError {
  override name = 'ImagesNotBuiltError';
  constructor(
    message: string,
    readonly built: BuiltImage[],
  ) {
    super(message);
  }
}

export function rootfsDir(outDir: string, spec: Pick<ImageSpec, 'name'>): string {
  return path.join(outDir, spec.name, 'rootfs');
}

/** Where the PyPI wheels are downloaded to and their members extracted. */
export function pypiCacheDir(outDir: string): string {
  return path.join(outDir, 'pypi-cache');
}

function select(only: readonly string[] | undefined): ImageSpec[] {
  if (!only) return [...IMAGE_SPECS];
  const unknown = only.filter((o) => !IMAGE_SPECS.some((s) => s.name === o || o.startsWith(`${s.repository}:`)));
  if (unknown.length > 0) {
    throw new ImageBuildError(`unknown image ${unknown.join(', ')}; known: ${IMAGE_SPECS.map((s) => s.name).join(', ')}`);
  }
  return IMAGE_SPECS.filter((s) => only.some((o) => o === s.name || o.startsWith(`${s.repository}:`)));
}

interface Tag {
  tag: string;
  /** What the version in the tag was read from, for the image's description label. */
  description?: string;
}

async function tagOf(spec: ImageSpec, inputs: ImageInputs): Promise<Tag> {
  if ('fixed' in spec.tag) return { tag: spec.tag.fixed };
  if ('debianPackage' in spec.tag) {
    const versions = await installedVersions([spec.tag.debianPackage]);
    const debianVersion = versions.get(spec.tag.debianPackage) ?? '';
    return {
      tag: upstreamVersion(debianVersion) + spec.tag.suffix,
      description: `built from Debian package version ${debianVersion}`,
    };
  }
  // The version a program of the image prints, e.g. "Valkey server v=8.1.8 sha=..." for `valkey-server --version`.
  const { path: imagePath, args, pattern } = spec.tag.programVersion;
  const host = inputs.files.find((f) => f.to === imagePath)?.from;
  if (!host) throw new ImageBuildError(`image ${spec.name}: its tag comes from ${imagePath}, which is not one of its files`);
  const r = await run(host, args);
  const output = `${r.stdout}${r.stderr}`.trim();
  const version = new RegExp(pattern, 'm').exec(output)?.[1];
  if (r.code !== 0 || !version || !/^[\w][\w.-]*$/.test(version)) {
    throw new ImageBuildError(
      `image ${spec.name}: cannot read a version from \`${path.basename(imagePath)} ${args.join(' ')}\` ` +
        `(exit ${r.code}, /${pattern}/): ${output}`,
    );
  }
  // No host path here: the labels must not depend on where the build ran.
  const source = spec.files.find((f) => f.to === imagePath)?.from;
  const origin =
    source?.kind === 'pypi-wheel'
      ? `, built from PyPI wheel ${source.wheel} (sha256 ${source.sha256})`
      : source?.kind === 'debian'
        ? `, built from Debian package ${source.package}`
        : '';
  return { tag: version + spec.tag.suffix, description: `${output.split('\n')[0]}${origin}` };
}

// Labels that record where each file came from: "package=version" of every Debian package used. Files with an
// origin of their own (PyPI wheels) are listed with it and not looked up in dpkg.
async function debianProvenance(files: readonly CopiedFile[]): Promise<{ label: string; listing: string }> {
  const owners = await owningPackages(files.filter((f) => !f.origin).map((f) => f.from));
  const packages = new Set<string>();
  for (const owner of owners.values()) {
    for (const p of owner?.split(', ') ?? []) packages.add(p.replace(/:.*$/, ''));
  }
  const versions = await installedVersions([...packages]);
  const label = [...versions].map(([p, v]) => `${p}=${v}`).sort().join(' ');
  const listing = files
    .map((f) => {
      if (f.origin) return `${f.to}\t${f.from}\t${f.origin}\n`;
      const owner = owners.get(f.from)?.replace(/:[a-z0-9]+/g, '');
      const version = owner ? versions.get(owner.split(', ')[0] ?? '') : undefined;
      return `${f.to}\t${f.from}\t${owner ? `${owner} ${version ?? ''}` : '(no package)'}\n`;
    })
    .join('');
  return { label, listing };
}

interface Context {
  outDir: string;
  hasher: FileHasher;
  builder: string;
  compiler: () => Promise<string>;
  go: () => Promise<string>;
}

async function buildOne(
  spec: ImageSpec,
  tag: Tag,
  inputs: ImageInputs,
  ctx: Context,
): Promise<{ image: BuiltImage; cached: boolean }> {
  const reference = `${spec.repository}:${tag.tag}`;
  const key = cacheKey({
    builder: ctx.builder,
    spec,
    reference,
    // Also in the spec; explicit so that the stamp visibly covers the pinned sha256 of every wheel used.
    wheels: inputs.wheels,
    files: await Promise.all(inputs.files.map(async (f) => [f.to, f.from, await ctx.hasher.hash(f.from)])),
    programs: await Promise.all(
      inputs.programs.map(async (p) => [p.to, await ctx.hasher.hash(p.source), await ctx.compiler()]),
    ),
    goPrograms: await Promise.all(
      inputs.goPrograms.map(async (p) => [
        p.to,
        await ctx.go(),
        ...(await Promise.all(p.sources.map(async (f) => [path.relative(p.moduleDir, f), await ctx.hasher.hash(f)]))),
      ]),
    ),
  });

  const tarball = path.join(ctx.outDir, `${spec.name}.oci.tar`);
  const stampFile = path.join(ctx.outDir, `${spec.name}.stamp.json`);
  const stamp = await readStamp(stampFile);
  const tarballThere = await fs.stat(tarball).then(
    () => true,
    () => false,
  );
  if (stamp?.key === key && stamp.reference === reference && tarballThere) {
    return { image: { name: reference, spec: spec.name, tarball, digest: stamp.digest }, cached: true };
  }

  await fs.rm(stampFile, { force: true });
  const workDir = path.join(ctx.outDir, spec.name);
  const compiledDir = path.join(workDir, 'compiled');
  await fs.rm(compiledDir, { recursive: true, force: true });
  const files = [...inputs.files];
  for (const program of inputs.programs) {
    await fs.mkdir(compiledDir, { recursive: true });
    const output = path.join(compiledDir, path.basename(program.to));
    await compileStatic(program.source, output);
    files.push({ to: program.to, from: output, executable: true });
  }
  for (const program of inputs.goPrograms) {
    const output = path.join(compiledDir, path.basename(program.to));
    await buildGoProgram(program.moduleDir, output);
    files.push({ to: program.to, from: output, executable: true, origin: `built from ${path.relative(REPO_ROOT, program.moduleDir)} with ${await ctx.go()}` });
  }
  const rootfs = rootfsDir(ctx.outDir, spec);
  await assembleRootfs(spec, files, rootfs);

  const provenance = await debianProvenance(files);
  await fs.writeFile(path.join(workDir, 'files.tsv'), provenance.listing);
  const labels: Record<string, string> = {
    'org.opencontainers.image.title': spec.name,
    'org.opencontainers.image.version': tag.tag,
    ...(tag.description && { 'org.opencontainers.image.description': tag.description }),
    'local.redis-charts.debian-packages': provenance.label,
    ...(inputs.wheels.length > 0 && {
      'local.redis-charts.pypi-wheels': inputs.wheels.map((w) => `${w.wheel}@sha256:${w.sha256}`).join(' '),
    }),
  };
  const manifest = await writeOciTarball({
    rootfs,
    owned: ownedPaths(spec),
    image: { reference, tag: tag.tag, config: spec.config, labels },
    workDir,
    tarball,
  });
  await writeStamp(stampFile, { key, reference, digest: manifest.digest });
  return { image: { name: reference, spec: spec.name, tarball, digest: manifest.digest }, cached: false };
}

/**
 * Builds (or finds cached) the selected images. One process builds into `outDir` at a time: clusters that start
 * together (two test runs, `cluster up` beside a run) would otherwise write the same rootfs and layer files at once.
 * The others wait for it, then find its images cached.
 */
export async function buildImages(opts: BuildOptions): Promise<BuiltImage[]> {
  const outDir = path.resolve(opts.outDir);
  await fs.mkdir(outDir, { recursive: true });
  return withDirLock(path.join(outDir, '.build-lock'), BUILD_LOCK_WAIT_MS, () => buildUnlocked(opts, outDir));
}

/** Long enough for every image built cold on two cores. */
const BUILD_LOCK_WAIT_MS = 20 * 60_000;

async function buildUnlocked(opts: BuildOptions, outDir: string): Promise<BuiltImage[]> {
  const specs = select(opts.only);
  const log = opts.log ?? (() => {});
  const hasher = new FileHasher();
  let compiler: Promise<string> | undefined;
  let go: Promise<string> | undefined;
  const ctx: Context = {
    outDir,
    hasher,
    builder: await builderHash(hasher),
    compiler: () => (compiler ??= compilerVersion()),
    go: () => (go ??= goVersion()),
  };

  const built: BuiltImage[] = [];
  const failures: string[] = [];
  for (const [i, spec] of specs.entries()) {
    const start = performance.now();
    const progress = `image ${i + 1} of ${specs.length}`;
    let name = spec.repository;
    try {
      const inputs = await resolveInputs(spec, { pypiCache: pypiCacheDir(outDir) });
      const tag = await tagOf(spec, inputs);
      name = `${spec.repository}:${tag.tag}`;
      const { image, cached } = await buildOne(spec, tag, inputs, ctx);
      const seconds = ((performance.now() - start) / 1000).toFixed(1);
      log(`${progress}: ${name} (${cached ? 'cached' : `built in ${seconds} s`})`);
      built.push(image);
    } catch (e) {
      const message = `${name}: ${(e as Error).message}`;
      log(`${progress}: FAILED ${message}`);
      failures.push(message);
    }
  }
  if (failures.length > 0) {
    throw new ImagesNotBuiltError(`${failures.length} image(s) not built:\n${failures.join('\n')}`, built);
  }
  return built;
}
