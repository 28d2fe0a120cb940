// Assembles an image's root filesystem in a directory: files, libraries, busybox applets, users, directories.
// Ownership is not set here (the layer's tar does it), so the builder needs no root for this step.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ImageBuildError } from './exec.ts';
import { BUSYBOX, busyboxApplets, type CopiedFile } from './inputs.ts';
import type { ImageSpec } from './specs.ts';

export interface OwnedPath {
  /** Relative to the rootfs, e.g. "data". */
  path: string;
  uid: number;
  gid: number;
}

function inside(root: string, imagePath: string): string {
  return path.join(root, imagePath);
}

// Directories get 0755 explicitly: the umask of whoever runs the build must not change the layer.
async function mkdirs(root: string, imagePath: string): Promise<void> {
  let current = root;
  for (const part of imagePath.split('/').filter(Boolean)) {
    current = path.join(current, part);
    const made = await fs.mkdir(current).then(
      () => true,
      (e: NodeJS.ErrnoException) => {
        if (e.code === 'EEXIST') return false;
        throw e;
      },
    );
    if (made) await fs.chmod(current, 0o755);
  }
}

// Modes are normalised to 0755 or 0644: a checkout or a compiler output under another umask must give the
// same layer, and no file here needs setuid or group/other restrictions.
async function copyFile(root: string, file: CopiedFile): Promise<void> {
  const dest = inside(root, file.to);
  await mkdirs(root, path.dirname(file.to));
  const { mode } = await fs.stat(file.from);
  await fs.copyFile(file.from, dest);
  await fs.chmod(dest, file.executable || mode & 0o111 ? 0o755 : 0o644);
}

async function writeText(root: string, imagePath: string, text: string): Promise<void> {
  await mkdirs(root, path.dirname(imagePath));
  await fs.writeFile(inside(root, imagePath), text);
  await fs.chmod(inside(root, imagePath), 0o644);
}

async function symlink(root: string, imagePath: string, target: string): Promise<void> {
  await mkdirs(root, path.dirname(imagePath));
  await fs.symlink(target, inside(root, imagePath));
}

function accounts(spec: ImageSpec): { passwd: string; group: string } {
  const users = [
    { name: 'root', uid: 0, gid: 0, home: '/root' },
    ...spec.users,
    { name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' },
  ];
  const passwd = users.map((u) => `${u.name}:x:${u.uid}:${u.gid}:${u.name}:${u.home}:/bin/sh\n`).join('');
  const group = users
    .map((u) => `${u.name === 'nobody' ? 'nogroup' : u.name}:x:${u.gid}:\n`)
    .join('');
  return { passwd, group };
}

/** The directories the spec gives to a non-root user. */
export function ownedPaths(spec: ImageSpec): OwnedPath[] {
  return (spec.dirs ?? [])
    .filter((d) => d.owner !== undefined)
    .map((d) => {
      const user = spec.users.find((u) => u.name === d.owner);
      if (!user) throw new ImageBuildError(`image ${spec.name}: ${d.path} is owned by unknown user ${d.owner}`);
      return { path: d.path.replace(/^\/+/, ''), uid: user.uid, gid: user.gid };
    });
}

/** Builds the rootfs from scratch in `root` (removed first). `files` includes the compiled programs. */
export async function assembleRootfs(spec: ImageSpec, files: readonly CopiedFile[], root: string): Promise<void> {
  await fs.rm(root, { recursive: true, force: true });
  await fs.mkdir(root, { recursive: true });
  await fs.chmod(root, 0o755);
  // Mount points the runtime fills: with them there, a read-only root filesystem needs no directory created.
  for (const dir of ['/dev', '/etc', '/proc', '/sys', '/tmp']) await mkdirs(root, dir);
  await fs.chmod(inside(root, '/tmp'), 0o1777);

  for (const file of files) await copyFile(root, file);

  if (spec.busyboxApplets) {
    const available = await busyboxApplets();
    const missing = spec.busyboxApplets.filter((a) => !available.has(a));
    if (missing.length > 0) {
      throw new ImageBuildError(`${BUSYBOX} has no applet ${missing.join(', ')} (image ${spec.name})`);
    }
    for (const applet of new Set(spec.busyboxApplets)) await symlink(root, `/bin/${applet}`, 'busybox');
  }
  for (const link of spec.links ?? []) await symlink(root, link.path, link.target);

  const { passwd, group } = accounts(spec);
  await writeText(root, '/etc/passwd', passwd);
  await writeText(root, '/etc/group', group);
  await writeText(root, '/etc/nsswitch.conf', 'passwd: files\ngroup: files\nhosts: files dns\n');

  for (const dir of spec.dirs ?? []) {
    await mkdirs(root, dir.path);
    await fs.chmod(inside(root, dir.path), dir.mode);
  }
}
