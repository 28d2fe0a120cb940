import { expect } from 'chai';
import { SandboxCluster, type SandboxRelease } from '../../generator/cluster/sandbox/index.ts';
import { inlineRender } from './fixtures.ts';

const MANIFESTS = `
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
data: { MODE: replica, greeting.txt: "hello from a configmap" }
---
apiVersion: v1
kind: Secret
metadata: { name: creds }
stringData: { TOKEN: t0k3n }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: probe-me }
spec:
  replicas: 2
  selector: { matchLabels: { app: probe-me } }
  template:
    metadata: { labels: { app: probe-me, tier: cache }, annotations: { note: "from the template" } }
    spec:
      securityContext: { runAsUser: 1001, runAsGroup: 1001, fsGroup: 2000 }
      containers:
        - name: main
          image: valkey/valkey:8.0
          command: ["valkey-server", "--port", "$(PORT)", "--dir", "/work"]
          env:
            - { name: PORT, value: "7000" }
            - { name: POD_IP, valueFrom: { fieldRef: { fieldPath: status.podIP } } }
            - { name: URL, value: "redis://$(POD_IP):$(PORT)" }
            - { name: LATER, value: "$(DEFINED_BELOW)" }
            - { name: DEFINED_BELOW, value: "x" }
            - { name: NODE, valueFrom: { fieldRef: { fieldPath: spec.nodeName } } }
            - { name: MEM, valueFrom: { resourceFieldRef: { resource: limits.memory, divisor: 1Mi } } }
          envFrom:
            - configMapRef: { name: settings }
            - { prefix: S_, secretRef: { name: creds } }
          ports: [{ name: valkey, containerPort: 7000 }]
          resources: { limits: { memory: 256Mi } }
          readinessProbe: { tcpSocket: { port: valkey }, periodSeconds: 1 }
          volumeMounts:
            - { name: work, mountPath: /work }
            - { name: info, mountPath: /etc/podinfo }
            - { name: greeting, mountPath: /etc/greeting.txt, subPath: greeting.txt }
      volumes:
        - { name: work, emptyDir: {} }
        - name: greeting
          configMap: { name: settings }
        - name: info
          projected:
            defaultMode: 0440
            sources:
              - downwardAPI: { items: [{ path: labels, fieldRef: { fieldPath: metadata.labels } }, { path: name, fieldRef: { fieldPath: metadata.name } }] }
              - secret: { name: creds, items: [{ key: TOKEN, path: token }] }
`;

describe('sandbox: pod spec features', function () {
  this.timeout(30_000);
  let cluster: SandboxCluster;
  let release: SandboxRelease;

  before(async () => {
    cluster = new SandboxCluster({ render: inlineRender(MANIFESTS) });
    release = (await cluster.install({ release: 'spec', valuesFiles: [], timeoutMs: 15_000 })) as SandboxRelease;
  });

  after(async () => {
    await cluster?.destroy();
  });

  it('expands $(VAR) in command and env, and fills fieldRef, resourceFieldRef and envFrom', async () => {
    const [pod] = await release.pods({ app: 'probe-me' });
    const env = await release.exec(pod!.name, 'main', ['sh', '-c', 'echo "$URL|$NODE|$MEM|$MODE|$S_TOKEN|$HOSTNAME|$LATER"']);
    expect(env.stdout.trim()).to.equal(`redis://${pod!.ip}:7000|sandbox-node|256|replica|t0k3n|${pod!.name}|$(DEFINED_BELOW)`);
    const ping = await release.exec(pod!.name, 'main', ['valkey-cli', '-p', '7000', 'ping']);
    expect(ping.stdout.trim()).to.equal('PONG');
    const ps = await release.exec(pod!.name, 'main', ['sh', '-c', 'cat /proc/1/comm >/dev/null; ls /proc | head -1; cat /proc/$$/status | grep -E "^(Uid|Groups)"']);
    expect(ps.stdout).to.match(/Uid:\s+1001/);
    expect(ps.stdout).to.match(/Groups:\s+2000/);
  });

  it('mounts projected downwardAPI + secret files, a subPath file and an fsGroup-owned emptyDir', async () => {
    const [pod] = await release.pods({ app: 'probe-me' });
    const r = await release.exec(pod!.name, 'main', [
      'sh',
      '-c',
      'cat /etc/podinfo/name; echo; cat /etc/podinfo/labels; echo; cat /etc/podinfo/token; echo; cat /etc/greeting.txt; echo; ' +
        'stat -c "%a %g" /etc/podinfo/token /work; touch /work/ok && echo writable',
    ]);
    expect(r.stdout).to.contain(`${pod!.name}\n`);
    expect(r.stdout).to.contain('app="probe-me"\npod-template-hash=');
    expect(r.stdout).to.contain('t0k3n');
    expect(r.stdout).to.contain('hello from a configmap');
    expect(r.stdout, r.stdout).to.contain('440 2000');
    expect(r.stdout).to.contain('2777 2000');
    expect(r.stdout).to.contain('writable');
  });

  it('gives Deployment pods distinct names and addresses under one template hash', async () => {
    const pods = await release.pods({ app: 'probe-me' });
    expect(pods).to.have.length(2);
    expect(new Set(pods.map((p) => p.labels['pod-template-hash'])).size).to.equal(1);
    expect(new Set(pods.map((p) => p.ip)).size).to.equal(2);
  });
});
