// The promises every rendered chart keeps, each a check that lists its violations.
import type { KubeObject } from './kube-schema.ts';
import { allContainers, objectId, podTemplates, type Container, type PodTemplate } from './manifests.ts';

export interface Policy {
  claim: string;
  violations(objects: KubeObject[]): string[];
}

export const REQUIRED_LABELS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/component',
  'app.kubernetes.io/managed-by',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/version',
] as const;

/** The only image repositories the charts may pull: the official image of each tool; openssl has none, so alpine/openssl (README: TLS). */
export const ALLOWED_IMAGE_REPOSITORIES = ['redis', 'valkey/valkey', 'oliver006/redis_exporter', 'haproxy', 'rclone/rclone', 'registry.k8s.io/kubectl', 'alpine/openssl'] as const;

/**
 * Containers allowed a writable root filesystem, as `<owner>/<container>` patterns with the reason.
 * None today: every component writes only to mounted volumes.
 */
export const WRITABLE_ROOT_EXCEPTIONS: readonly { container: RegExp; reason: string }[] = [];

const perContainer = (check: (c: Container, t: PodTemplate) => string[]) => (objects: KubeObject[]) =>
  podTemplates(objects).flatMap((t) => allContainers(t.spec).flatMap((c) => check(c, t).map((v) => `${t.owner} container ${c.name}: ${v}`)));

const missingLabels = (labels: Record<string, string> | undefined) =>
  REQUIRED_LABELS.filter((l) => !labels?.[l]);

export const POLICIES: Policy[] = [
  {
    claim: 'every pod runs as non-root with the RuntimeDefault seccomp profile',
    violations: (objects) => podTemplates(objects).flatMap((t) => [
      ...(t.spec.securityContext?.runAsNonRoot === true ? [] : [`${t.owner}: pod securityContext.runAsNonRoot is not true`]),
      ...(t.spec.securityContext?.seccompProfile?.type === 'RuntimeDefault' ? [] : [`${t.owner}: pod securityContext.seccompProfile.type is not RuntimeDefault`]),
    ]),
  },
  {
    claim: 'every container forbids privilege escalation and drops ALL capabilities',
    violations: perContainer((c) => [
      ...(c.securityContext?.allowPrivilegeEscalation === false ? [] : ['securityContext.allowPrivilegeEscalation is not false']),
      ...(c.securityContext?.capabilities?.drop?.includes('ALL') ? [] : ['securityContext.capabilities.drop does not include ALL']),
      ...(c.securityContext?.capabilities?.add?.length ? [`adds capabilities ${c.securityContext.capabilities.add.join(', ')}`] : []),
    ]),
  },
  {
    claim: 'every container has a read-only root filesystem (no exceptions listed)',
    violations: perContainer((c, t) => {
      if (c.securityContext?.readOnlyRootFilesystem === true) return [];
      if (WRITABLE_ROOT_EXCEPTIONS.some((e) => e.container.test(`${t.owner}/${c.name}`))) return [];
      return ['securityContext.readOnlyRootFilesystem is not true'];
    }),
  },
  {
    claim: 'every container requests resources and has a memory limit',
    violations: perContainer((c) => [
      ...(Object.keys(c.resources?.requests ?? {}).length ? [] : ['resources.requests is empty']),
      ...(c.resources?.limits?.memory !== undefined ? [] : ['resources.limits.memory is not set']),
    ]),
  },
  {
    claim: 'every long-running container has liveness and readiness probes',
    violations: (objects) => podTemplates(objects)
      .filter((t) => !t.runsToCompletion)
      .flatMap((t) => t.spec.containers.flatMap((c) => [
        ...(c.livenessProbe ? [] : [`${t.owner} container ${c.name}: no livenessProbe`]),
        ...(c.readinessProbe ? [] : [`${t.owner} container ${c.name}: no readinessProbe`]),
      ])),
  },
  {
    claim: `every object and pod template carries the ${REQUIRED_LABELS.join(', ')} labels`,
    violations: (objects) => [
      ...objects.flatMap((o) => missingLabels(o.metadata?.labels).map((l) => `${objectId(o)}: no label ${l}`)),
      ...podTemplates(objects).flatMap((t) => missingLabels(t.labels).map((l) => `${t.owner} pod template: no label ${l}`)),
    ],
  },
  {
    claim: 'every image is pinned to a tag other than latest',
    violations: perContainer((c) => {
      const ref = parseImage(c.image ?? '');
      if (ref.digest) return [];
      if (!ref.tag) return [`image ${JSON.stringify(c.image)} has no tag`];
      return ref.tag === 'latest' ? [`image ${c.image} uses the latest tag`] : [];
    }),
  },
  {
    claim: `every image comes from the allow-list (${ALLOWED_IMAGE_REPOSITORIES.join(', ')})`,
    violations: perContainer((c) => {
      const { repository } = parseImage(c.image ?? '');
      return (ALLOWED_IMAGE_REPOSITORIES as readonly string[]).includes(repository) ? [] : [`image ${c.image} is not from an allowed repository`];
    }),
  },
];

export function parseImage(image: string): { repository: string; tag?: string; digest?: string } {
  const [name = '', digest] = image.split('@');
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) return { repository: name.slice(0, colon), tag: name.slice(colon + 1), digest };
  return { repository: name, digest };
}

/** Where a secret value (as written, or base64-encoded) appears outside Secret objects. */
export function secretLeaks(objects: KubeObject[], secret: string): string[] {
  const needles = [secret, Buffer.from(secret).toString('base64')];
  const leaks: string[] = [];
  const visit = (value: unknown, path: string, owner: string): void => {
    if (typeof value === 'string') {
      if (needles.some((n) => value.includes(n))) leaks.push(`${owner} ${path}`);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${path}[${i}]`, owner));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k, owner);
    }
  };
  for (const o of objects) if (o.kind !== 'Secret') visit(o, '', objectId(o));
  return leaks;
}
