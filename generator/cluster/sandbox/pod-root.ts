import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { chmod, mkdir, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ImageRuntime } from './images.ts';
import { shq } from './run.ts';
import type { BindMount } from './volumes.ts';

/** The identity a container process runs as. */
export interface ContainerUser {
  uid: number;
  gid: number;
  groups: number[];
}

/** Per-pod files that replace the host's /etc/hosts, /etc/hostname and /etc/resolv.conf. */
export interface PodEtcFiles {
  hosts: string;
  hostname: string;
  resolvConf: string;
}

export interface ContainerRootSpec {
  /** Holds root/, upper/ and work/; wiped on every start, as a container's writable layer is. */
  dir: string;
  hostname: string;
  image: ImageRuntime;
  mounts: BindMount[];
  etc: PodEtcFiles;
  readOnlyRoot: boolean;
  workingDir: string;
  user: ContainerUser | undefined;
}

/** Host top-level entries shared read-only; merged-/usr systems have them as symlinks, which are copied. */
const HOST_TOP_LEVEL = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];
/** Writable per-container copies of the host's /usr and /etc (overlayfs), so mount points can be created anywhere. */
const OVERLAID = ['usr', 'etc'];
const EMPTY_DIRS = ['dev', 'proc', 'sys', 'tmp', 'run', 'var', 'root', 'home', 'opt', 'mnt', 'srv'];

export async function prepareContainerRoot(spec: ContainerRootSpec): Promise<string> {
  await rm(spec.dir, { recursive: true, force: true });
  const root = join(spec.dir, 'root');
  await mkdir(root, { recursive: true, mode: 0o755 });
  for (const d of [...OVERLAID, ...EMPTY_DIRS]) await mkdir(join(root, d));
  for (const d of OVERLAID) {
    await mkdir(join(spec.dir, 'upper', d), { recursive: true });
    await mkdir(join(spec.dir, 'work', d), { recursive: true });
  }
  await chmod(join(root, 'tmp'), 0o1777);
  for (const name of HOST_TOP_LEVEL) {
    const host = `/${name}`;
    if (!existsSync(host)) continue;
    if (lstatSync(host).isSymbolicLink()) await symlink(readlinkSync(host), join(root, name));
    else await mkdir(join(root, name));
  }
  for (const [path, target] of Object.entries(spec.image.rootLinks)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await symlink(target, join(root, path));
  }
  return root;
}

export function setprivArgs(user: ContainerUser | undefined): string[] {
  if (!user) return [];
  const groups = user.groups.length > 0 ? ['--groups', user.groups.join(',')] : ['--clear-groups'];
  if (user.uid === 0 && user.gid === 0) return user.groups.length > 0 ? ['/usr/bin/setpriv', ...groups, '--'] : [];
  return ['/usr/bin/setpriv', '--reuid', String(user.uid), '--regid', String(user.gid), ...groups, '--'];
}

/**
 * The /bin/sh script that runs inside the pod's network namespace and a fresh mount+UTS namespace: it assembles
 * the container's root from bind mounts and overlays, then chroots and execs "$@" as the container's user.
 * All mounts die with the namespace, so nothing has to be unmounted on the host.
 */
export function containerLaunchScript(spec: ContainerRootSpec, root: string): string {
  const R = shq(root);
  const at = (p: string) => shq(join(root, p));
  const lines = [
    'set -e',
    // This namespace starts as a copy of the host's mounts, including every pod's /run/netns/* handle; a copy
    // would keep other pods' namespaces (and veths) alive after they are deleted.
    '/usr/bin/umount --recursive --lazy /run/netns 2>/dev/null || true',
    `/usr/bin/mount --bind ${R} ${R}`,
    ...OVERLAID.map(
      (d) =>
        `/usr/bin/mount -t overlay overlay -o lowerdir=/${d},upperdir=${join(spec.dir, 'upper', d)},workdir=${join(spec.dir, 'work', d)} ${at(d)}`,
    ),
    ...HOST_TOP_LEVEL.filter((d) => existsSync(`/${d}`) && !lstatSync(`/${d}`).isSymbolicLink()).map(
      (d) => `/usr/bin/mount --rbind -o ro /${d} ${at(d)}`,
    ),
    `/usr/bin/mount --rbind /dev ${at('dev')}`,
    `/usr/bin/mount -t proc proc ${at('proc')}`,
    `/usr/bin/mount --bind -o ro /sys ${at('sys')}`,
    `/usr/bin/mkdir -p ${at('usr/local/bin')}`,
    `/usr/bin/mount --bind -o ro ${shq(spec.image.binDir)} ${at('usr/local/bin')}`,
    `/usr/bin/touch ${at('etc/hosts')} ${at('etc/hostname')} ${at('etc/resolv.conf')}`,
    `/usr/bin/mount --bind ${shq(spec.etc.hosts)} ${at('etc/hosts')}`,
    `/usr/bin/mount --bind ${shq(spec.etc.hostname)} ${at('etc/hostname')}`,
    `/usr/bin/mount --bind ${shq(spec.etc.resolvConf)} ${at('etc/resolv.conf')}`,
  ];
  for (const m of spec.mounts) {
    const target = at(m.target);
    lines.push(
      m.isFile
        ? `/usr/bin/mkdir -p ${shq(dirname(join(root, m.target)))} && /usr/bin/touch ${target}`
        : `/usr/bin/mkdir -p ${target}`,
      `/usr/bin/mount --bind${m.readOnly ? ' -o ro' : ''} ${shq(m.source)} ${target}`,
    );
  }
  lines.push(`/usr/bin/mkdir -p ${at(spec.workingDir)}`);
  if (spec.readOnlyRoot) {
    for (const p of ['', ...OVERLAID]) lines.push(`/usr/bin/mount -o remount,bind,ro ${at(p)}`);
  }
  lines.push(
    `echo ${shq(spec.hostname)} > /proc/sys/kernel/hostname`,
    `exec /usr/bin/unshare --root=${R} --wd=${shq(spec.workingDir)} ${setprivArgs(spec.user).map(shq).join(' ')} "$@"`,
  );
  return lines.join('\n');
}
