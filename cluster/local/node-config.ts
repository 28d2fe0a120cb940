import { join } from 'node:path';
import { stringify } from 'yaml';
import { CLUSTER_DOMAIN, type ClusterLayout, type NodeLayout } from './layout.ts';

/** The files one node's containerd, CNI, kubelet and kube-proxy read. Pure: layout in, file contents out. */

export const PAUSE_IMAGE = 'redis-charts.local/pause:3.10-local';

export function nodePaths(node: NodeLayout) {
  return {
    containerdConfig: join(node.dir, 'containerd', 'config.toml'),
    containerdRoot: join(node.dir, 'containerd', 'root'),
    containerdState: join(node.dir, 'containerd', 'state'),
    cniConfDir: join(node.dir, 'cni', 'net.d'),
    cniDataDir: join(node.dir, 'cni', 'ipam'),
    kubeletDir: join(node.dir, 'kubelet'),
    kubeletConfig: join(node.dir, 'kubelet-config.yaml'),
    kubeletKubeconfig: join(node.dir, 'kubelet.kubeconfig'),
    kubeProxyConfig: join(node.dir, 'kube-proxy-config.yaml'),
    kubeProxyKubeconfig: join(node.dir, 'kube-proxy.kubeconfig'),
    resolvConf: join(node.dir, 'resolv.conf'),
    netpolDir: join(node.dir, 'netpol'),
    podLogsDir: join(node.dir, 'pod-logs'),
  };
}

export function containerdConfig(node: NodeLayout): string {
  const p = nodePaths(node);
  const q = JSON.stringify;
  return `version = 2
root = ${q(p.containerdRoot)}
state = ${q(p.containerdState)}
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${q(node.containerdSocket)}

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = ${q(PAUSE_IMAGE)}
  disable_apparmor = true
  restrict_oom_score_adj = true
  # Pod network namespaces live in this node's state directory, so removing a node removes them all.
  netns_mounts_under_state_dir = true
  enable_unprivileged_ports = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = ${q(p.cniConfDir)}
`;
}

/** A bridge per node with host-local addresses from the node's /24; hairpin so a pod reaches itself through a Service. */
export function cniConfig(node: NodeLayout): string {
  return JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: 'redis-charts',
      plugins: [
        {
          type: 'bridge',
          bridge: 'cni0',
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: { type: 'host-local', ranges: [[{ subnet: node.podCidr, gateway: node.podGateway }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: nodePaths(node).cniDataDir },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

export function kubeletConfig(layout: ClusterLayout, node: NodeLayout): string {
  return stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: node.ip,
    port: 10250,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: join(layout.pkiDir, 'ca.crt') } },
    authorization: { mode: 'Webhook' },
    containerRuntimeEndpoint: `unix://${node.containerdSocket}`,
    cgroupDriver: 'cgroupfs',
    cgroupRoot: node.cgroupRoot,
    clusterDNS: [layout.dnsServiceIp],
    clusterDomain: CLUSTER_DOMAIN,
    resolvConf: nodePaths(node).resolvConf,
    failSwapOn: false,
    registerWithTaints: node.role === 'control-plane' ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : [],
    // Every node shares this machine's disk and memory: evict only when they are nearly exhausted.
    evictionHard: { 'memory.available': '200Mi', 'nodefs.available': '2%', 'imagefs.available': '2%', 'nodefs.inodesFree': '2%' },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    serializeImagePulls: false,
    rotateCertificates: false,
    serverTLSBootstrap: false,
    // Kubelet's own cgroup v1 parent; one root per node keeps the nodes' pods apart.
    cgroupsPerQOS: true,
    enforceNodeAllocatable: ['pods'],
    // ConfigMap and Secret volumes follow changes within seconds, as the tests expect of a live cluster.
    syncFrequency: '10s',
    nodeStatusUpdateFrequency: '4s',
    shutdownGracePeriod: '0s',
    containerLogMaxSize: '10Mi',
    // Each kubelet removes log directories of pods it does not run: nodes sharing /var/log/pods delete each other's.
    podLogsDir: nodePaths(node).podLogsDir,
  });
}

export function kubeProxyConfig(layout: ClusterLayout, node: NodeLayout): string {
  return stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    mode: 'iptables',
    clusterCIDR: layout.podCidr,
    hostnameOverride: node.name,
    bindAddress: node.ip,
    healthzBindAddress: '127.0.0.1:10256',
    metricsBindAddress: '127.0.0.1:10249',
    clientConnection: { kubeconfig: nodePaths(node).kubeProxyKubeconfig },
    // nf_conntrack_max is one value for the whole machine: leave it alone.
    conntrack: { maxPerCore: 0, min: 0 },
    iptables: { localhostNodePorts: false, syncPeriod: '30s', minSyncPeriod: '0s' },
    nodePortAddresses: [`${node.ip}/32`],
  });
}

/** Pods resolve through cluster DNS only; this file is what kubelet hands CoreDNS as "upstream": nothing. */
export const RESOLV_CONF = '# the local cluster has no upstream resolver: names outside the cluster do not resolve\noptions ndots:1\n';
