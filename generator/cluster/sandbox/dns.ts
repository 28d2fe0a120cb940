/** Cluster DNS as /etc/hosts files: what CoreDNS would answer, rendered per pod. */

export const CLUSTER_DOMAIN = 'cluster.local';

export interface DnsPod {
  name: string;
  namespace: string;
  ip: string | undefined;
  hostname: string;
  subdomain: string | undefined;
}

export interface DnsService {
  name: string;
  namespace: string;
  /** The VIP of a ClusterIP Service; undefined for a headless one. */
  clusterIP: string | undefined;
  /** Pods the Service publishes: ready ones, or all with an IP under publishNotReadyAddresses. */
  endpoints: DnsPod[];
}

/** Every name a record is reachable by from a pod in `fromNs` (search path: <ns>.svc.cluster.local, svc.cluster.local, cluster.local). */
function names(base: string, namespace: string, fromNs: string): string[] {
  const forms = [`${base}.${namespace}`, `${base}.${namespace}.svc`, `${base}.${namespace}.svc.${CLUSTER_DOMAIN}`];
  return namespace === fromNs ? [base, ...forms] : forms;
}

export function podFqdn(p: DnsPod): string | undefined {
  return p.subdomain ? `${p.hostname}.${p.subdomain}.${p.namespace}.svc.${CLUSTER_DOMAIN}` : undefined;
}

export function hostsFile(self: DnsPod, services: DnsService[]): string {
  const lines = ['# Kubernetes-managed hosts file (redis-charts sandbox).', '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  const fqdn = podFqdn(self);
  if (self.ip) lines.push(`${self.ip}\t${fqdn ? `${fqdn}\t` : ''}${self.hostname}`);
  for (const s of services) {
    const svcNames = names(s.name, s.namespace, self.namespace);
    if (s.clusterIP) lines.push(`${s.clusterIP}\t${svcNames.join(' ')}`);
    else for (const e of s.endpoints) if (e.ip) lines.push(`${e.ip}\t${svcNames.join(' ')}`);
    for (const e of s.endpoints) {
      if (!e.ip || e.subdomain !== s.name) continue;
      lines.push(`${e.ip}\t${names(`${e.hostname}.${s.name}`, s.namespace, self.namespace).join(' ')}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** What the cluster DNS server answers: every fully qualified pod and Service name (resolvers add the search path). */
export function dnsRecords(services: DnsService[]): Map<string, string[]> {
  const records = new Map<string, string[]>();
  const add = (name: string, ip: string | undefined) => {
    if (!ip) return;
    const ips = records.get(name) ?? [];
    if (!ips.includes(ip)) records.set(name, [...ips, ip]);
  };
  for (const s of services) {
    const fqdn = `${s.name}.${s.namespace}.svc.${CLUSTER_DOMAIN}`;
    if (s.clusterIP) add(fqdn, s.clusterIP);
    for (const e of s.endpoints) {
      if (!s.clusterIP) add(fqdn, e.ip);
      if (e.subdomain === s.name) add(`${e.hostname}.${fqdn}`, e.ip);
    }
  }
  return records;
}

/** The pod's resolver: the cluster search path, and the sandbox's DNS server on the bridge gateway. */
export function resolvConf(namespace: string, nameserver: string): string {
  return [
    `search ${namespace}.svc.${CLUSTER_DOMAIN} svc.${CLUSTER_DOMAIN} ${CLUSTER_DOMAIN}`,
    `nameserver ${nameserver}`,
    'options ndots:5',
    '',
  ].join('\n');
}
