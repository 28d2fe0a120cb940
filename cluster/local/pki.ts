import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runChecked } from '../../toolchain/run.ts';
import { CLUSTER_DOMAIN, controlPlane, KUBERNETES_VERSION, type ClusterLayout } from './layout.ts';
import { nodePaths } from './node-config.ts';

/**
 * Certificates and kubeconfigs, made by kubeadm's own phases (the same files a kubeadm cluster has), plus a client
 * certificate per kubelet (system:node:<name>, so the Node authorizer applies) and for kube-proxy.
 */

export const kubeadmConfigPath = (layout: ClusterLayout) => join(layout.dir, 'kubeadm.yaml');

export function kubeadmConfig(layout: ClusterLayout): string {
  const cp = controlPlane(layout);
  return [
    {
      apiVersion: 'kubeadm.k8s.io/v1beta4',
      kind: 'InitConfiguration',
      localAPIEndpoint: { advertiseAddress: cp.ip, bindPort: 6443 },
      nodeRegistration: { name: cp.name },
    },
    {
      apiVersion: 'kubeadm.k8s.io/v1beta4',
      kind: 'ClusterConfiguration',
      kubernetesVersion: KUBERNETES_VERSION,
      clusterName: layout.name,
      certificatesDir: layout.pkiDir,
      controlPlaneEndpoint: `${cp.ip}:6443`,
      networking: { serviceSubnet: layout.serviceCidr, podSubnet: layout.podCidr, dnsDomain: CLUSTER_DOMAIN },
      apiServer: { certSANs: [cp.ip, '127.0.0.1', 'localhost', layout.apiServerIp] },
    },
  ]
    .map((doc) => stringify(doc))
    .join('---\n');
}

export async function createPki(layout: ClusterLayout, kube: string): Promise<void> {
  const config = kubeadmConfigPath(layout);
  await mkdir(layout.pkiDir, { recursive: true });
  await writeFile(config, kubeadmConfig(layout));
  await runChecked(kube, ['kubeadm', 'init', 'phase', 'certs', 'all', '--config', config]);
  const kubeconfigDir = join(layout.dir, 'kubeconfigs');
  await mkdir(kubeconfigDir, { recursive: true });
  for (const phase of ['controller-manager', 'scheduler']) {
    await runChecked(kube, ['kubeadm', 'init', 'phase', 'kubeconfig', phase, '--config', config, '--kubeconfig-dir', kubeconfigDir]);
  }
  const user = async (clientName: string, org: string | undefined, file: string) => {
    const args = ['kubeadm', 'kubeconfig', 'user', '--config', config, '--client-name', clientName, ...(org ? ['--org', org] : [])];
    await writeFile(file, await runChecked(kube, args), { mode: 0o600 });
  };
  // The kubeconfig handed to users and tests: a cluster admin, as kind's.
  await user('kubernetes-admin', 'system:masters', layout.kubeconfig);
  await runChecked(kube, ['kubectl', '--kubeconfig', layout.kubeconfig, 'config', 'rename-context', `kubernetes-admin@${layout.name}`, layout.contextName]);
  for (const node of layout.nodes) {
    await mkdir(node.dir, { recursive: true });
    await user(`system:node:${node.name}`, 'system:nodes', nodePaths(node).kubeletKubeconfig);
    await user('system:kube-proxy', undefined, nodePaths(node).kubeProxyKubeconfig);
  }
}

export const componentKubeconfig = (layout: ClusterLayout, component: 'controller-manager' | 'scheduler') =>
  join(layout.dir, 'kubeconfigs', `${component}.conf`);
