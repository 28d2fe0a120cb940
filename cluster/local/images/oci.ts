// Turns a rootfs directory into an OCI image layout tarball (one uncompressed layer) that
// `ctr -n k8s.io images import` accepts. Everything is deterministic: same rootfs, same bytes.
import fs from 'node:fs/promises';
import path from 'node:path';
import { runOk } from './exec.ts';
import { sha256File, sha256Hex } from './hash.ts';
import type { OwnedPath } from './rootfs.ts';
import type { ImageConfig } from './specs.ts';

const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

// The epoch stands in for every timestamp, in the tar headers and the config.
const EPOCH = '1970-01-01T00:00:00Z';
const DETERMINISTIC_TAR = ['--format=gnu', '--sort=name', '--mtime=@0', '--numeric-owner'];

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface OciImage {
  /** Full reference, e.g. redis-charts.local/redis:7.0.15-debian12. */
  reference: string;
  tag: string;
  config: ImageConfig;
  labels: Record<string, string>;
}

async function readdirSorted(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).sort();
}

/** The layer: everything owned by root except the owned paths, which are appended with their owner. */
export async function writeLayer(rootfs: string, owned: readonly OwnedPath[], file: string): Promise<void> {
  const ownedNames = new Set(owned.map((o) => o.path));
  const top = (await readdirSorted(rootfs)).filter((name) => !ownedNames.has(name));
  const excludes = owned.flatMap((o) => ['--exclude', o.path]);
  await fs.rm(file, { force: true });
  await runOk('tar', [
    '--create', `--file=${file}`, ...DETERMINISTIC_TAR, '--owner=0', '--group=0',
    '--anchored', '--no-wildcards', ...excludes, '-C', rootfs, '--', ...top,
  ]);
  for (const o of owned) {
    await runOk('tar', [
      '--append', `--file=${file}`, ...DETERMINISTIC_TAR, `--owner=${o.uid}`, `--group=${o.gid}`,
      '-C', rootfs, '--', o.path,
    ]);
  }
}

async function writeBlob(blobs: string, content: string, mediaType: string): Promise<Descriptor> {
  const hex = sha256Hex(content);
  await fs.writeFile(path.join(blobs, hex), content);
  return { mediaType, digest: `sha256:${hex}`, size: Buffer.byteLength(content) };
}

function imageConfig(image: OciImage, diffId: string): unknown {
  const c = image.config;
  return {
    created: EPOCH,
    architecture: 'amd64',
    os: 'linux',
    config: {
      User: c.user,
      ...(c.exposedPorts && { ExposedPorts: Object.fromEntries(c.exposedPorts.map((p) => [p, {}])) }),
      Env: c.env,
      Entrypoint: c.entrypoint,
      ...(c.cmd && { Cmd: c.cmd }),
      ...(c.workingDir && { WorkingDir: c.workingDir }),
      Labels: image.labels,
      ...(c.stopSignal && { StopSignal: c.stopSignal }),
    },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: EPOCH, created_by: 'redis-charts cluster/local/images' }],
  };
}

/**
 * Writes the OCI layout tarball for `rootfs` to `tarball`, using `workDir` as scratch space.
 * Returns the manifest's descriptor (its digest is the image's digest).
 */
export async function writeOciTarball(opts: {
  rootfs: string;
  owned: readonly OwnedPath[];
  image: OciImage;
  workDir: string;
  tarball: string;
}): Promise<Descriptor> {
  const staging = path.join(opts.workDir, 'oci');
  const blobs = path.join(staging, 'blobs', 'sha256');
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(blobs, { recursive: true });

  const layerTmp = path.join(staging, 'layer.tar');
  await writeLayer(opts.rootfs, opts.owned, layerTmp);
  const layerHex = await sha256File(layerTmp);
  const layer: Descriptor = {
    mediaType: MEDIA.layer,
    digest: `sha256:${layerHex}`,
    size: (await fs.stat(layerTmp)).size,
  };
  await fs.rename(layerTmp, path.join(blobs, layerHex));

  // An uncompressed layer's digest is also its diff_id.
  const config = await writeBlob(blobs, JSON.stringify(imageConfig(opts.image, layer.digest)), MEDIA.config);
  const manifest = await writeBlob(
    blobs,
    JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.manifest, config, layers: [layer] }),
    MEDIA.manifest,
  );
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: [
      {
        ...manifest,
        platform: { architecture: 'amd64', os: 'linux' },
        annotations: {
          'io.containerd.image.name': opts.image.reference,
          'org.opencontainers.image.ref.name': opts.image.tag,
        },
      },
    ],
  };
  await fs.writeFile(path.join(staging, 'index.json'), JSON.stringify(index));
  await fs.writeFile(path.join(staging, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));

  for (const dir of [staging, path.join(staging, 'blobs'), blobs]) await fs.chmod(dir, 0o755);
  for (const name of await fs.readdir(blobs)) await fs.chmod(path.join(blobs, name), 0o644);
  for (const name of ['index.json', 'oci-layout']) await fs.chmod(path.join(staging, name), 0o644);

  const tmp = `${opts.tarball}.tmp`;
  await fs.rm(tmp, { force: true });
  await runOk('tar', [
    '--create', `--file=${tmp}`, ...DETERMINISTIC_TAR, '--owner=0', '--group=0',
    '-C', staging, '--', 'oci-layout', 'index.json', 'blobs',
  ]);
  await fs.rename(tmp, opts.tarball);
  await fs.rm(staging, { recursive: true, force: true });
  return manifest;
}
