import { chmod, chown, lstat, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { UnsupportedManifestError } from './errors.ts';
import type { ObjectLookup } from './env.ts';
import type { Container, DownwardAPIVolumeFile, KeyToPath, PodSpec, Volume } from './k8s-types.ts';
import { fieldRefValue, resourceFieldValue, type PodIdentity } from './pod-identity.ts';

/** A volume materialised as a host directory. */
export interface PreparedVolume {
  name: string;
  dir: string;
  /** ConfigMap, Secret, projected and downwardAPI volumes are always read-only in Kubernetes. */
  alwaysReadOnly: boolean;
}

/** A bind mount for one container: host path → path inside the container root. */
export interface BindMount {
  source: string;
  target: string;
  readOnly: boolean;
  isFile: boolean;
}

export interface VolumeContext {
  pod: PodIdentity;
  spec: PodSpec;
  /** Per-pod directory; configMap/secret/emptyDir content lives under it and dies with the pod. */
  podDir: string;
  lookup: ObjectLookup;
  /** Host directory of a PersistentVolumeClaim, created on first use. */
  claimDir(claimName: string): Promise<string>;
}

interface ProjectedFile {
  path: string;
  content: Buffer;
  mode: number | undefined;
}

function keyFiles(
  data: Record<string, Buffer> | undefined,
  items: KeyToPath[] | undefined,
  what: string,
  optional: boolean | undefined,
): ProjectedFile[] {
  if (!data) {
    if (optional) return [];
    throw new UnsupportedManifestError(`${what} not found`);
  }
  if (!items) return Object.entries(data).map(([k, v]) => ({ path: k, content: v, mode: undefined }));
  return items.flatMap((it) => {
    const v = data[it.key];
    if (v === undefined) {
      if (optional) return [];
      throw new UnsupportedManifestError(`${what} has no key ${it.key}`);
    }
    return [{ path: it.path, content: v, mode: it.mode }];
  });
}

function downwardFiles(ctx: VolumeContext, items: DownwardAPIVolumeFile[]): ProjectedFile[] {
  return items.map((it) => ({
    path: it.path,
    mode: it.mode,
    content: Buffer.from(
      it.fieldRef
        ? fieldRefValue(ctx.pod, it.fieldRef)
        : it.resourceFieldRef
          ? resourceFieldValue(ctx.spec.containers, undefined, it.resourceFieldRef)
          : '',
    ),
  }));
}

function fsGroupOf(spec: PodSpec): number | undefined {
  return spec.securityContext?.fsGroup;
}

async function writeProjected(dir: string, files: ProjectedFile[], defaultMode: number, fsGroup: number | undefined) {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  for (const f of files) {
    const path = join(dir, normalize(f.path));
    if (!path.startsWith(dir + '/')) throw new UnsupportedManifestError(`volume item path ${f.path} escapes the volume`);
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    await writeFile(path, f.content);
    // kubelet gives read-only volumes to fsGroup with at least group read.
    let mode = f.mode ?? defaultMode;
    if (fsGroup !== undefined) {
      mode |= 0o440;
      await chown(path, 0, fsGroup);
    }
    await chmod(path, mode);
  }
  if (fsGroup !== undefined) await chown(dir, 0, fsGroup);
}

/** chown to fsGroup with g+rw(x) and setgid on directories, recursively, as kubelet's SetVolumeOwnership does. */
async function applyFsGroup(path: string, gid: number): Promise<void> {
  const st = await lstat(path);
  if (st.isSymbolicLink()) return;
  await chown(path, st.uid, gid);
  if (st.isDirectory()) {
    await chmod(path, (st.mode & 0o7777) | 0o2070);
    for (const e of await readdir(path)) await applyFsGroup(join(path, e), gid);
  } else {
    await chmod(path, (st.mode & 0o7777) | 0o060 | (st.mode & 0o100 ? 0o010 : 0));
  }
}

async function prepareVolume(v: Volume, ctx: VolumeContext): Promise<PreparedVolume> {
  const dir = join(ctx.podDir, 'volumes', v.name);
  const fsGroup = fsGroupOf(ctx.spec);
  const where = `pod ${ctx.pod.name} volume ${v.name}`;
  const ns = ctx.pod.namespace;
  if (v.emptyDir) {
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o777);
    if (fsGroup !== undefined) await applyFsGroup(dir, fsGroup);
    return { name: v.name, dir, alwaysReadOnly: false };
  }
  if (v.configMap) {
    const files = keyFiles(ctx.lookup.configMap(ns, v.configMap.name), v.configMap.items, `${where}: ConfigMap ${v.configMap.name}`, v.configMap.optional);
    await writeProjected(dir, files, v.configMap.defaultMode ?? 0o644, fsGroup);
    return { name: v.name, dir, alwaysReadOnly: true };
  }
  if (v.secret) {
    const files = keyFiles(ctx.lookup.secret(ns, v.secret.secretName), v.secret.items, `${where}: Secret ${v.secret.secretName}`, v.secret.optional);
    await writeProjected(dir, files, v.secret.defaultMode ?? 0o644, fsGroup);
    return { name: v.name, dir, alwaysReadOnly: true };
  }
  if (v.projected) {
    const files = v.projected.sources.flatMap((s): ProjectedFile[] => {
      if (s.configMap) return keyFiles(ctx.lookup.configMap(ns, s.configMap.name), s.configMap.items, `${where}: ConfigMap ${s.configMap.name}`, s.configMap.optional);
      if (s.secret) return keyFiles(ctx.lookup.secret(ns, s.secret.name), s.secret.items, `${where}: Secret ${s.secret.name}`, s.secret.optional);
      if (s.downwardAPI) return downwardFiles(ctx, s.downwardAPI.items);
      return [];
    });
    await writeProjected(dir, files, v.projected.defaultMode ?? 0o644, fsGroup);
    return { name: v.name, dir, alwaysReadOnly: true };
  }
  if (v.downwardAPI) {
    await writeProjected(dir, downwardFiles(ctx, v.downwardAPI.items), v.downwardAPI.defaultMode ?? 0o644, fsGroup);
    return { name: v.name, dir, alwaysReadOnly: true };
  }
  if (v.persistentVolumeClaim) {
    const claimDir = await ctx.claimDir(v.persistentVolumeClaim.claimName);
    if (fsGroup !== undefined) await applyFsGroup(claimDir, fsGroup);
    return { name: v.name, dir: claimDir, alwaysReadOnly: v.persistentVolumeClaim.readOnly === true };
  }
  const kind = Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
  throw new UnsupportedManifestError(`${where}: volume type ${kind} is not supported by the sandbox`);
}

export async function prepareVolumes(ctx: VolumeContext): Promise<Map<string, PreparedVolume>> {
  const out = new Map<string, PreparedVolume>();
  for (const v of ctx.spec.volumes ?? []) out.set(v.name, await prepareVolume(v, ctx));
  return out;
}

/** The bind mounts of one container, parents before children (as container runtimes order them). */
export async function containerMounts(
  c: Container,
  volumes: Map<string, PreparedVolume>,
  podName: string,
): Promise<BindMount[]> {
  const out: BindMount[] = [];
  for (const m of c.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    if (!v) throw new UnsupportedManifestError(`pod ${podName} container ${c.name}: volumeMount ${m.name} has no volume`);
    let source = v.dir;
    if (m.subPath) {
      source = join(v.dir, normalize(m.subPath));
      if (!source.startsWith(v.dir + '/')) throw new UnsupportedManifestError(`subPath ${m.subPath} escapes volume ${m.name}`);
    }
    const st = await stat(source).catch(() => undefined);
    if (!st) await mkdir(source, { recursive: true, mode: 0o777 });
    out.push({ source, target: normalize(m.mountPath), readOnly: v.alwaysReadOnly || m.readOnly === true, isFile: !!st && !st.isDirectory() });
  }
  return out.sort((a, b) => a.target.split('/').length - b.target.split('/').length);
}
