import { join } from 'node:path';
import { controlPlane, type ClusterLayout, type NodeLayout } from './layout.ts';
import { nodePaths } from './node-config.ts';
import { componentKubeconfig } from './pki.ts';

/** One long-running process of the cluster, run inside a node's network namespace. */
export interface Component {
  /** Unique in the cluster, e.g. "kube-apiserver" or "worker2/kubelet". */
  readonly id: string;
  readonly node: NodeLayout;
  readonly argv: readonly string[];
}

export interface ClusterBinaries {
  /** The multi-call binary: kube-apiserver, kubelet, ..., etcd, kubeadm, kubectl. */
  kube: string;
  netpol: string;
  containerd: string;
}

export function controlPlaneComponents(layout: ClusterLayout, bin: ClusterBinaries): Component[] {
  const cp = controlPlane(layout);
  const pki = (file: string) => join(layout.pkiDir, file);
  const etcdUrl = 'http://127.0.0.1:2379';
  return [
    {
      id: 'etcd',
      node: cp,
      argv: [bin.kube, 'etcd', '--name', cp.name, '--data-dir', join(layout.dir, 'etcd'),
        // etcd listens on the control-plane node's loopback only: nothing but the API server reaches it.
        '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
        '--listen-peer-urls', 'http://127.0.0.1:2380', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380',
        '--initial-cluster', `${cp.name}=http://127.0.0.1:2380`, '--listen-metrics-urls', 'http://127.0.0.1:2381',
        // A throwaway test cluster: fsync on a shared disk only slows every test without protecting anything.
        '--unsafe-no-fsync', '--log-level', 'warn'],
    },
    {
      id: 'kube-apiserver',
      node: cp,
      argv: [bin.kube, 'kube-apiserver', '--advertise-address', cp.ip, '--bind-address', '0.0.0.0', '--secure-port', '6443',
        '--etcd-servers', etcdUrl, '--service-cluster-ip-range', layout.serviceCidr,
        '--client-ca-file', pki('ca.crt'), '--tls-cert-file', pki('apiserver.crt'), '--tls-private-key-file', pki('apiserver.key'),
        '--kubelet-client-certificate', pki('apiserver-kubelet-client.crt'), '--kubelet-client-key', pki('apiserver-kubelet-client.key'),
        '--kubelet-preferred-address-types', 'InternalIP',
        '--service-account-issuer', 'https://kubernetes.default.svc.cluster.local',
        '--service-account-key-file', pki('sa.pub'), '--service-account-signing-key-file', pki('sa.key'),
        '--authorization-mode', 'Node,RBAC', '--enable-admission-plugins', 'NodeRestriction',
        '--requestheader-client-ca-file', pki('front-proxy-ca.crt'), '--proxy-client-cert-file', pki('front-proxy-client.crt'),
        '--proxy-client-key-file', pki('front-proxy-client.key'), '--requestheader-allowed-names', 'front-proxy-client',
        '--requestheader-extra-headers-prefix', 'X-Remote-Extra-', '--requestheader-group-headers', 'X-Remote-Group',
        '--requestheader-username-headers', 'X-Remote-User', '--allow-privileged=true', '--profiling=false'],
    },
    {
      id: 'kube-controller-manager',
      node: cp,
      argv: [bin.kube, 'kube-controller-manager', '--kubeconfig', componentKubeconfig(layout, 'controller-manager'),
        '--authentication-kubeconfig', componentKubeconfig(layout, 'controller-manager'),
        '--authorization-kubeconfig', componentKubeconfig(layout, 'controller-manager'),
        '--bind-address', '127.0.0.1', '--client-ca-file', pki('ca.crt'), '--requestheader-client-ca-file', pki('front-proxy-ca.crt'),
        '--cluster-signing-cert-file', pki('ca.crt'), '--cluster-signing-key-file', pki('ca.key'), '--root-ca-file', pki('ca.crt'),
        '--service-account-private-key-file', pki('sa.key'), '--use-service-account-credentials=true',
        '--controllers', '*,bootstrapsigner,tokencleaner', '--leader-elect=false', '--cluster-name', layout.name,
        // A failed node turns NotReady after 20 s without a status (the default 50 s): the kubelets report every 4 s.
        '--allocate-node-cidrs=false', '--node-monitor-grace-period=20s', '--profiling=false'],
    },
    {
      id: 'kube-scheduler',
      node: cp,
      argv: [bin.kube, 'kube-scheduler', '--kubeconfig', componentKubeconfig(layout, 'scheduler'),
        '--authentication-kubeconfig', componentKubeconfig(layout, 'scheduler'),
        '--authorization-kubeconfig', componentKubeconfig(layout, 'scheduler'),
        '--bind-address', '127.0.0.1', '--leader-elect=false', '--profiling=false'],
    },
    {
      id: 'local-volume-provisioner',
      node: cp,
      argv: [bin.kube, 'local-volume-provisioner', '--kubeconfig', layout.kubeconfig, '--root', layout.volumesDir],
    },
  ];
}

export function containerdComponent(node: NodeLayout, bin: ClusterBinaries): Component {
  return { id: `${node.name}/containerd`, node, argv: [bin.containerd, '--config', nodePaths(node).containerdConfig] };
}

export function kubeletComponent(node: NodeLayout, bin: ClusterBinaries): Component {
  const p = nodePaths(node);
  return {
    id: `${node.name}/kubelet`,
    node,
    argv: [bin.kube, 'kubelet', '--config', p.kubeletConfig, '--kubeconfig', p.kubeletKubeconfig, '--hostname-override', node.name,
      '--node-ip', node.ip, '--root-dir', p.kubeletDir, '--cert-dir', join(p.kubeletDir, 'pki')],
  };
}

export function kubeProxyComponent(node: NodeLayout, bin: ClusterBinaries): Component {
  return { id: `${node.name}/kube-proxy`, node, argv: [bin.kube, 'kube-proxy', '--config', nodePaths(node).kubeProxyConfig] };
}

export function netpolComponent(layout: ClusterLayout, node: NodeLayout, bin: ClusterBinaries): Component {
  return {
    id: `${node.name}/netpol`,
    node,
    argv: [bin.netpol, '--kubeconfig', layout.kubeconfig, '--hostname-override', node.name, '--run-firewall=true',
      '--run-router=false', '--run-service-proxy=false', '--health-port', '0', '--metrics-port', '0'],
  };
}
