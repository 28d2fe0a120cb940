import { anyObject, bool, free, group, int, objectList, oneOf, str, stringList, type Free, type Group } from './dsl.ts';

/** An explicit image tag: never empty, never `latest` (Go's regexp has no lookahead, so `not`). */
export const PINNED_TAG = { minLength: 1, not: { enum: ['latest'] } };

/** Space to `~`: what the config quoting, the proxy's health check and the connection URL carry intact. */
export const PRINTABLE_ASCII = '^[ -~]*$';

// Names the templates write as they are: anything else could break the manifest's YAML.
const DNS_NAME = '[a-z0-9]([-a-z0-9.]*[a-z0-9])?';
/** A Kubernetes object name (a DNS subdomain), or empty for the chart's choice. */
export const OBJECT_NAME = `^$|^${DNS_NAME}$`;
/** A DNS domain, such as the cluster's. */
export const DOMAIN = `^${DNS_NAME}$`;
/** A key of a Secret's data. */
export const SECRET_KEY = '^[-._a-zA-Z0-9]+$';
/** An ACL user name the charts' own user names cannot clash with (checked by validate). */
export const ACL_USERNAME = '^[a-z][a-z0-9_-]{0,62}$';
/** ACL rules: space-separated words of printable ASCII; none starts with `>`, `<`, `#` or `!` (passwords come from Secrets). */
/** A further application user (global.auth.acl.users). */
export interface AclUser { name: string; rules: string; existingSecret?: string }
/** A further application user's name: it also names that user's Secrets, so a DNS label's letters, digits and `-`. */
export const ACL_EXTRA_USER = '^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$';
export const ACL_RULES = '^([~&%+(a-z-][!-~]*( [~&%+(a-z-][!-~]*)*)?$';
/** A label or annotation key: an optional DNS prefix and `/`, then a name of at most 63 characters. */
export const LABEL_KEY = `^(${DNS_NAME}/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$`;
/** A label value: empty, or at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit. */
export const LABEL_VALUE = '^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$';

/** Labels (or a label selector), as the API server accepts them. */
export const labelMap = (def: Record<string, string>, description: string): Free<Record<string, string>> =>
  free(def, description, { type: 'object', propertyNames: { pattern: LABEL_KEY }, additionalProperties: { type: 'string', pattern: LABEL_VALUE } });
/** Annotations: keys as the API server accepts them, any string values. */
export const annotationMap = (def: Record<string, string>, description: string): Free<Record<string, string>> =>
  free(def, description, { type: 'object', propertyNames: { pattern: LABEL_KEY }, additionalProperties: { type: 'string' } });

/** Values every chart shares. In the umbrella they live under `global`, so all components agree on them. */
export const globalModel = group('Settings every component shares; in the umbrella chart they are set once here.', {
  engine: oneOf(['redis', 'valkey'], 'redis', 'Server engine: the official `redis` image or `valkey/valkey`.'),
  images: group('Pinned engine images (never `latest`).', {
    redis: group('Image used when engine is redis.', {
      repository: str('redis', 'Image repository.'),
      tag: str('7.4.2', 'Image tag.', { constraints: PINNED_TAG }),
    }),
    valkey: group('Image used when engine is valkey.', {
      repository: str('valkey/valkey', 'Image repository.'),
      tag: str('8.0.2', 'Image tag.', { constraints: PINNED_TAG }),
    }),
    pullPolicy: oneOf(['IfNotPresent', 'Always', 'Never'], 'IfNotPresent', 'Image pull policy.'),
  }),
  imageRegistry: str('', 'Registry host (and path) put before every image repository, for a private mirror, e.g. `mirror.example.com/dockerhub`; empty pulls each repository as written.', { constraints: { pattern: '^$|^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?(/[a-z0-9._-]+)*$' } }),
  imagePullSecrets: objectList([], 'Image pull secrets, e.g. `[{name: regcred}]`.'),
  clusterDomain: str('cluster.local', 'Cluster DNS domain used in pod FQDNs.', { constraints: { pattern: DOMAIN } }),
  topology: group('Shape of the deployment: every component reads it to find the others.', {
    dataNodes: int(1, 'Number of Redis data pods. 1 is a standalone server; more are one master and replicas.', { constraints: { minimum: 1, maximum: 15 } }),
    sentinels: int(0, 'Number of Sentinel pods; 0 disables Sentinel. Use an odd number (3 or 5).', { constraints: { minimum: 0, maximum: 9 } }),
    masterSet: str('mymaster', 'Sentinel master set name.', { constraints: { pattern: '^[A-Za-z0-9._-]+$' } }),
    redisPort: int(6379, 'Redis port of the data nodes.', { constraints: { minimum: 1, maximum: 65535 } }),
    peerWaitSeconds: int(6, 'Seconds a starting data pod or sentinel waits, at most, for every other member to answer before it chooses its role. Keep it above the time your NetworkPolicy enforcer takes to admit a new pod address (about 1 s for kube-router): until then running members look absent. Lower starts a first install sooner (nothing answers then). Changing it restarts no pod.', { constraints: { minimum: 1, maximum: 60 } }),
    sentinelPort: int(26379, 'Sentinel port.', { constraints: { minimum: 1, maximum: 65535 } }),
  }),
  auth: group('Password authentication (`requirepass`/`masterauth`, Sentinel too).', {
    enabled: bool(true, 'Require a password.'),
    password: str('', 'Password: printable ASCII (space to `~`), any of it, quotes and backslashes included; empty: a hook Job generates one in the cluster once and keeps it (nothing random is rendered, so GitOps renders are stable). Prefer `existingSecret`.', { constraints: { pattern: PRINTABLE_ASCII } }),
    previousPassword: str('', 'The password being rotated out: accepted alongside `password` until cleared in a later upgrade, so clients move over without an auth error (see README, Password rotation). With `existingSecret`, put it under `existingSecretPreviousPasswordKey` instead.', { constraints: { pattern: PRINTABLE_ASCII } }),
    existingSecret: str('', 'Name of an existing Secret holding the password; nothing is generated when set.', { constraints: { pattern: OBJECT_NAME } }),
    existingSecretPasswordKey: str('redis-password', 'Key of the password in the Secret.', { constraints: { pattern: SECRET_KEY } }),
    existingSecretPreviousPasswordKey: str('redis-password-previous', 'Key of the password being rotated out, in the same Secret; optional: accepted while present.', { constraints: { pattern: SECRET_KEY } }),
    acl: group('Least-privilege ACL users (README: ACL users). Off: the password opens the `default` user and an `admin` user the charts\' own components share.', {
      enabled: bool(false, 'The password opens the user `username` only (`default` is switched off), and every component logs in as its own user with only the commands it needs and its own password, generated in the cluster once (Secret `<release>-redis-internal-auth`): `replication` (replicas), `sentinel`, `exporter` (read-only), `backup`, `proxy` (the master proxy\'s health check) and `operator` (the data pods\' own start, probe and stop scripts and the password-rotation hook). Switching it on or off on a running release is refused.'),
      username: str('app', 'The application user the password (and the connection Secret) opens.', { constraints: { pattern: ACL_USERNAME } }),
      rules: str('~* &* +@all', 'ACL rules of the application user (Redis ACL syntax: key patterns `~`, channels `&`, commands and categories `+`/`-`), e.g. `~cache:* &* +@read +@write -@dangerous`. `server.config.disabledCommands` are taken away after them.', { constraints: { pattern: ACL_RULES } }),
      users: free<AclUser[]>([], 'Further application users, each `{name, rules, existingSecret}` (README: ACL users): `rules` in Redis ACL syntax as for `rules` above; the password from `existingSecret` (keys `password`, and while a rotation lasts `previous-password`: both open the user, and a change of the Secret reaches the servers within about a minute, no restart), or, when it is empty, generated in the cluster once into `<release>-redis-user-<name>`. Each user gets a connection Secret `<release>-redis-connection-<name>` (its `redis-url`, `username`, `host`, `port`, and with Sentinel `sentinels`, `master-set`).', {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'rules'],
          properties: {
            name: { type: 'string', pattern: ACL_EXTRA_USER, description: 'User name.' },
            rules: { type: 'string', pattern: ACL_RULES, description: 'ACL rules.' },
            existingSecret: { type: 'string', pattern: OBJECT_NAME, description: 'Secret with `password` (and optionally `previous-password`); empty: generated.' },
          },
        },
      }),
    }),
    connectionSecretName: str('', 'Name of the connection Secret apps mount (keys `redis-url`, `host`, `port`, and with Sentinel `sentinels`, `master-set`); empty uses `<release>-redis-connection`. Set `redis-credentials` to keep apps written for that name.', { constraints: { pattern: OBJECT_NAME } }),
  }),
  tls: group('TLS for the data nodes and Sentinel (README, TLS): one port each, TLS only; replication, Sentinel, the master proxy\'s health check, the exporter, backups and every script use it. The certificate comes from `existingSecret`, from cert-manager (`certManager.issuerRef`), or else from a hook Job that generates a CA and a server certificate in the cluster once.', {
    enabled: bool(false, 'Serve TLS only: `tls-port` on the Redis and Sentinel ports, `port 0`. A plaintext client is refused. Switching it on or off on a running release is refused (every member and client must switch at once).'),
    existingSecret: str('', 'Name of a Secret (type kubernetes.io/tls, as cert-manager writes it) with `tls.crt`, `tls.key` and `ca.crt`; its certificate must cover `*.<release>-redis-headless.<namespace>.svc.<clusterDomain>`, the sentinels\' `*.<release>-sentinel-headless...` and the Service names clients use. Empty: cert-manager (below) or a generated certificate.', { constraints: { pattern: OBJECT_NAME } }),
    authClients: oneOf(['no', 'optional', 'yes'], 'no', 'Redis `tls-auth-clients`: `yes` requires every client to present a certificate signed by the CA (the release\'s own components use the Secret\'s `tls.crt`/`tls.key`); `no` leaves client authentication to the password.'),
    certManager: group('A cert-manager `Certificate` for the release (needs the cert-manager.io/v1 API; its issuer must write `ca.crt`, as the CA, Vault and self-signed issuers do).', {
      issuerRef: group('The issuer that signs the certificate; empty `name`: no Certificate.', {
        name: str('', 'Issuer or ClusterIssuer name.', { constraints: { pattern: OBJECT_NAME } }),
        kind: oneOf(['Issuer', 'ClusterIssuer'], 'Issuer', 'Kind of the issuer.'),
        group: str('cert-manager.io', 'API group of the issuer.', { constraints: { pattern: DOMAIN } }),
      }),
    }),
    generated: group('The certificate generated in the cluster when neither `existingSecret` nor `certManager.issuerRef.name` is set: the secrets hook Job (`<release>-redis-secrets-init`) creates the Secret `<release>-redis-tls` once (a CA and a server certificate) and keeps it on every later upgrade.', {
      validityDays: int(3650, 'Days the generated CA and server certificate are valid. They are not renewed: delete the Secret and upgrade to get new ones (clients then need the new `ca.crt`).', { constraints: { minimum: 1, maximum: 36500 } }),
      // alpine/openssl: the Alpine Docker maintainers' image of Alpine's openssl package on busybox (so `sh` too), a few MB,
      // multi-arch, tagged by the OpenSSL version it carries; 3.5 is OpenSSL's current long-term-support line. The script
      // needs only sh, openssl and busybox's cat/sed/rm (files/hooks/tls-init.sh), so any image with those works.
      image: group('Image with `openssl` and `sh` that generates the certificate.', {
        repository: str('alpine/openssl', 'Image repository.'),
        tag: str('3.5.5', 'Image tag.', { constraints: PINNED_TAG }),
      }),
    }),
  }),
  networkPolicy: group('NetworkPolicies on every component: data pods, sentinels and the master proxy admit only this release\'s pods and its clients; the exporter admits scrapers; backup jobs reach only DNS, the data pods and the remote.', {
    enabled: bool(false, 'Create the NetworkPolicies.'),
    clientLabel: str('redis-charts.io/client', 'Label key that admits an application pod in the release\'s namespace: pods labelled `<clientLabel>: <release name>` may connect to Redis, Sentinel and the master proxy.', { constraints: { pattern: LABEL_KEY } }),
    allowedNamespaces: stringList([], 'Namespaces (by name) whose pods may connect as clients, e.g. the namespace of an application in another namespace.'),
    allowedPodLabels: labelMap({}, 'Pods in the release\'s namespace with all of these labels may connect as clients (besides the client label).'),
    allowedCIDRs: stringList([], 'Address ranges outside the cluster\'s pods that may connect as clients, e.g. a bastion host `10.0.0.5/32`.', { type: 'string', pattern: '^[0-9a-fA-F:.]+/[0-9]{1,3}$' }),
    metricsNamespaces: stringList([], 'Namespaces (by name) allowed to scrape the exporter; empty admits every namespace (Prometheus usually runs in its own).'),
    backupEgress: objectList([{ ports: [{ port: 443, protocol: 'TCP' }] }], 'Egress rules (NetworkPolicyEgressRule) for the backup job\'s remote, besides DNS and the data pods. The default allows HTTPS anywhere; narrow `to` to your object store, or add its port (e.g. 9000 for MinIO).'),
  }),
  podSecurityContext: anyObject({ runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } },
    'Pod security context (Pod Security Standards "restricted").'),
  containerSecurityContext: anyObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
    'Container security context (Pod Security Standards "restricted").'),
  commonLabels: labelMap({}, 'Labels added to every object.'),
});

export const schedulingModel = () => ({
  nodeSelector: labelMap({}, 'Node selector.'),
  tolerations: objectList([], 'Tolerations.'),
  podAntiAffinity: oneOf(['soft', 'hard', 'none'], 'soft', 'Spread pods over nodes: `hard` requires distinct nodes, `soft` prefers them.'),
  topologySpreadConstraints: objectList([], 'Topology spread constraints.'),
  priorityClassName: str('', 'Priority class name.', { constraints: { pattern: OBJECT_NAME } }),
  podAnnotations: annotationMap({}, 'Extra pod annotations.'),
  podLabels: labelMap({}, 'Extra pod labels.'),
});

/** Container resources as the API reads them: quantities are strings or numbers. */
export interface Resources {
  requests?: Record<string, string | number>;
  limits?: Record<string, string | number>;
}

export const resourcesModel = (requests: { cpu: string; memory: string }, limits: { cpu?: string; memory: string }) =>
  free<Resources>({ requests, limits }, 'Container resources. Always set a memory limit.', {
    type: 'object',
    additionalProperties: false,
    properties: {
      requests: { type: 'object', additionalProperties: { type: ['string', 'number'], pattern: QUANTITY } },
      limits: { type: 'object', additionalProperties: { type: ['string', 'number'], pattern: QUANTITY } },
    },
  });

export const probeModel = (description: string, d: { initialDelaySeconds: number; periodSeconds: number; timeoutSeconds: number; failureThreshold: number }) =>
  group(description, {
    initialDelaySeconds: int(d.initialDelaySeconds, 'Seconds before the first probe.', { constraints: { minimum: 0 } }),
    periodSeconds: int(d.periodSeconds, 'Seconds between probes.', { constraints: { minimum: 1 } }),
    timeoutSeconds: int(d.timeoutSeconds, 'Probe timeout in seconds.', { constraints: { minimum: 1 } }),
    failureThreshold: int(d.failureThreshold, 'Failures before the probe counts as failed.', { constraints: { minimum: 1 } }),
  });

export const pdbModel = (enabled: boolean) => group('PodDisruptionBudget.', {
  enabled: bool(enabled, 'Create a PodDisruptionBudget.'),
  maxUnavailable: int(1, 'Pods that may be voluntarily disrupted at once.', { constraints: { minimum: 0 } }),
});

export const enabledField = (def: boolean, what: string) => bool(def, `Deploy ${what}.`);

export const QUANTITY = '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$';
export const CRON = '^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\\S+\\s+){4}\\S+)$';
export const DURATION = '^([0-9]+(ms|s|m|h|d|w|y))+$';
