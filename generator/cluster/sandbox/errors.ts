/** The sandbox cannot run on this machine at all (wrong OS, not root, missing tools). */
export class SandboxUnavailableError extends Error {
  override readonly name = 'SandboxUnavailableError';
  constructor(readonly reason: string) {
    super(
      `The process sandbox cannot run here: ${reason}. ` +
        'Run the tests as root on Linux (network namespaces, bridges and mounts need CAP_SYS_ADMIN and CAP_NET_ADMIN), ' +
        'or run them against a Kubernetes cluster with --kube-context.',
    );
  }
}

/** A manifest asks for something the sandbox does not implement (a kind, an image, a probe type). */
export class UnsupportedManifestError extends Error {
  override readonly name = 'UnsupportedManifestError';
}

/** Pods did not become ready, a job failed, a container kept crashing. */
export class SandboxWorkloadError extends Error {
  override readonly name = 'SandboxWorkloadError';
}
