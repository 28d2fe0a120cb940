/** Bytes in a redis.conf memory size (`256mb`, `3gb`, `1000000`). Redis: k/m/g are powers of 1000, kb/mb/gb of 1024. */
export function redisBytes(size: string): number | undefined {
  const m = /^([0-9]+)(b|k|kb|m|mb|g|gb)?$/i.exec(size.trim());
  if (!m) return undefined;
  const unit: Record<string, number> = { b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return Number(m[1]) * (unit[(m[2] ?? 'b').toLowerCase()] ?? 1);
}

/** Bytes in a Kubernetes quantity (`512Mi`, `4Gi`, `1G`). */
export function quantityBytes(q: string | number): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q).trim());
  if (!m) return undefined;
  const unit: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(m[1]) * (m[2] ? unit[m[2]]! : 1);
}

export const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)}Mi`;

/** Cores in a Kubernetes CPU quantity (`2`, `1.5`, `500m`). */
export function cpuCores(q: string | number): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m)?$/.exec(String(q).trim());
  if (!m) return undefined;
  return Number(m[1]) / (m[2] ? 1000 : 1);
}
