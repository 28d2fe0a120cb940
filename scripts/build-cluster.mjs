#!/usr/bin/env node
// Builds the local cluster's binaries from the Go modules in cluster/build/ into .tools/cluster/ (git-ignored), once:
// a binary whose inputs (go.mod, go.sum, sources, flags, Go version) are unchanged is kept. Go's build and module caches
// make a rebuild after a small change fast. Also copies the prometheus-operator CRDs out of its Go module.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(repoRoot, 'cluster', 'build');
const outDir = join(repoRoot, '.tools', 'cluster');
const binDir = join(outDir, 'bin');

const KUBERNETES_VERSION = 'v1.34.4';
const PROMETHEUS_OPERATOR = 'github.com/prometheus-operator/prometheus-operator@v0.85.0';
const CRDS = ['servicemonitors', 'podmonitors', 'prometheusrules'];
const CHART_TESTING = 'github.com/helm/chart-testing/v3@v3.14.0';

function versionFlags() {
  const [major, minor] = KUBERNETES_VERSION.slice(1).split('.');
  const flags = ['-s', '-w'];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(`-X ${pkg}.gitVersion=${KUBERNETES_VERSION}`, `-X ${pkg}.gitMajor=${major}`, `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`, `-X ${pkg}.buildDate=2026-01-01T00:00:00Z`);
  }
  return flags.join(' ');
}

const components = [
  { name: 'kube', module: 'kube', pkg: './cmd/kube', what: `Kubernetes ${KUBERNETES_VERSION} (apiserver, controller-manager, scheduler, kubelet, kube-proxy, kubeadm, kubectl), etcd, volume provisioner`, ldflags: versionFlags() },
  { name: 'coredns', module: 'coredns', pkg: '.', what: 'CoreDNS', ldflags: '-s -w', env: { CGO_ENABLED: '0' } },
  { name: 'netpol', module: 'netpol', pkg: '.', what: 'NetworkPolicy enforcer (kube-router firewall)', ldflags: '-s -w' },
  { name: 'kubectl', module: 'kube', pkg: './cmd/kubectl', what: `kubectl ${KUBERNETES_VERSION} on its own (the image of the charts' password Job)`, ldflags: versionFlags() },
  { name: 'ct', module: 'ct', pkg: '.', what: 'chart-testing v3.14.0', ldflags: '-s -w -X github.com/helm/chart-testing/v3/ct/cmd.Version=v3.14.0' },
];

function fail(message) {
  console.error(`build-cluster: ${message}`);
  process.exit(1);
}

function goVersion() {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    return fail('go: not found. The local cluster is built from Go modules; install Go 1.24 or newer (https://go.dev/dl, or apt-get install -y golang-1.24) and make sure `go` is on PATH.');
  }
}

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(go|mod|sum)$/.test(e.name))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

function inputsHash(component, go) {
  const hash = createHash('sha256').update(go).update(component.ldflags).update(JSON.stringify(component.env ?? {}));
  for (const file of sourceFiles(join(buildDir, component.module))) hash.update(file).update(readFileSync(file));
  return hash.digest('hex');
}

function build(component, index, total, go) {
  const binary = join(binDir, component.name);
  const stampFile = `${binary}.stamp`;
  const stamp = inputsHash(component, go);
  const label = `cluster build ${index} of ${total}: ${component.name} (${component.what})`;
  // Up to date: say nothing, so a no-op setup prints only its ready line.
  if (existsSync(binary) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return Promise.resolve();
  console.log(`${label}: building (the first build takes many minutes on 2 cores; later ones reuse Go's cache)`);
  const started = Date.now();
  const partial = `${binary}.partial`;
  return new Promise((resolvePromise, reject) => {
    const child = spawn('go', ['build', '-trimpath', '-ldflags', component.ldflags, '-o', partial, component.pkg], {
      cwd: join(buildDir, component.module),
      env: { ...process.env, ...component.env, GOFLAGS: '-mod=readonly' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const ticker = setInterval(() => console.log(`${label}: still building, ${Math.round((Date.now() - started) / 1000)} s`), 60_000);
    child.on('exit', (code) => {
      clearInterval(ticker);
      if (code !== 0) return reject(new Error(`go build of ${component.name} failed (exit ${code}); the output above names the cause`));
      renameSync(partial, binary);
      writeFileSync(stampFile, stamp);
      console.log(`${label}: built in ${Math.round((Date.now() - started) / 1000)} s`);
      resolvePromise();
    });
  });
}

function copyCrds(total) {
  const crdDir = join(outDir, 'crds');
  const label = `cluster build ${total} of ${total}: prometheus-operator CRDs (${CRDS.join(', ')})`;
  if (CRDS.every((crd) => existsSync(join(crdDir, `monitoring.coreos.com_${crd}.yaml`)))) return;
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', PROMETHEUS_OPERATOR], { encoding: 'utf8' }));
  if (info.Error) fail(`go mod download ${PROMETHEUS_OPERATOR}: ${info.Error}`);
  mkdirSync(crdDir, { recursive: true });
  for (const crd of CRDS) {
    const file = `monitoring.coreos.com_${crd}.yaml`;
    copyFileSync(join(info.Dir, 'example', 'prometheus-operator-crd', file), join(crdDir, file));
  }
  console.log(`${label}: copied from ${PROMETHEUS_OPERATOR}`);
}

// chart-testing validates Chart.yaml against the schema its module ships.
function copyChartTestingSchema() {
  const target = join(outDir, 'ct', 'chart_schema.yaml');
  if (existsSync(target)) return;
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', CHART_TESTING], { encoding: 'utf8' }));
  if (info.Error) fail(`go mod download ${CHART_TESTING}: ${info.Error}`);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(info.Dir, 'etc', 'chart_schema.yaml'), target);
}

const only = process.argv.slice(2);
const go = goVersion();
mkdirSync(binDir, { recursive: true });
const selected = components.filter((c) => only.length === 0 || only.includes(c.name));
const total = selected.length + 1;
try {
  for (const [i, component] of selected.entries()) await build(component, i + 1, total, go);
  copyCrds(total);
  copyChartTestingSchema();
} catch (error) {
  fail(error.message);
}
