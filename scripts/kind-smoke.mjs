#!/usr/bin/env node
// Runs every profile through the shared scenarios and `helm test` on a multi-node kind cluster.
//   npm run test:kind -- [--k8s v1.32.2] [--name redis-charts] [--profile ha-production] [--keep] [--dry-run]
// Run with `node --import tsx` (npm run test:kind does): it drives kind, docker and kubectl through the same
// CommandRunner as the KubeCluster, so --dry-run prints every call it would make.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { $, argv, chalk } from 'zx';
import { parseAllDocuments } from 'yaml';
import { CommandRunner, DEFAULT_KIND_CLUSTER, describeMissing, missingKindPrerequisites } from '../cluster/kube/index.ts';
import { REPO_ROOT, UMBRELLA_DIR } from '../generator/paths.ts';
import { listProfiles } from '../generator/profiles/files.ts';
import { userHelm } from '../toolchain/tools.ts';

/** Node images of kind v0.27.0, by Kubernetes version; the first is the default. */
const NODE_IMAGES = {
  'v1.32.2': 'kindest/node:v1.32.2',
  'v1.31.6': 'kindest/node:v1.31.6',
  'v1.30.10': 'kindest/node:v1.30.10',
};
/** CRDs the profiles' ServiceMonitor and PrometheusRule need (prometheus-operator v0.79.2). */
const CRDS = ['servicemonitors', 'podmonitors', 'prometheusrules'].map((n) =>
  `https://raw.githubusercontent.com/prometheus-operator/prometheus-operator/v0.79.2/example/prometheus-operator-crd/monitoring.coreos.com_${n}.yaml`);

const k8s = argv.k8s ?? Object.keys(NODE_IMAGES)[0];
const name = argv.name ?? DEFAULT_KIND_CLUSTER;
const dryRun = Boolean(argv['dry-run']);
const keep = Boolean(argv.keep);
const profiles = listProfiles().map((p) => p.name).filter((p) => !argv.profile || [argv.profile].flat().includes(p));
const image = NODE_IMAGES[k8s] ?? `kindest/node:${k8s}`;
const context = `kind-${name}`;
const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)}s`;
const progress = (msg) => console.log(chalk.cyan(`[${elapsed()}] ${msg}`));

if (!dryRun) {
  const missing = missingKindPrerequisites();
  if (missing.length) {
    console.log(`kind smoke skipped: ${describeMissing(missing)} (install Docker and kind, then run npm run test:kind)`);
    process.exit(0);
  }
}

const runner = new CommandRunner(dryRun ? 'dry-run' : 'real', {
  binaries: { helm: userHelm() },
  onStep: (line) => console.log(chalk.dim(`  $ ${line}`)),
});

function kindConfig() {
  const node = (role) => `  - role: ${role}\n    image: ${image}\n`;
  // Three workers: hard anti-affinity spreads three data pods and three sentinels, and PDBs have room to act.
  return `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n${node('control-plane')}${[1, 2, 3].map(() => node('worker')).join('')}`;
}

/** Every image the charts name for these profiles (rendered locally, so a dry run lists them too). */
async function chartImages() {
  const images = new Set();
  for (const p of profiles) {
    const { stdout } = await runner.command('helm', ['template', 'smoke', UMBRELLA_DIR, '-f', path.join(REPO_ROOT, 'values', `${p}.yaml`)], { local: true });
    for (const doc of parseAllDocuments(stdout)) collectImages(doc.toJS(), images);
  }
  return [...images].sort();
}

function collectImages(node, into) {
  if (Array.isArray(node)) node.forEach((n) => collectImages(n, into));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'image' && typeof v === 'string') into.add(v);
      else collectImages(v, into);
    }
  }
}

async function createCluster(configFile) {
  const existing = (await runner.command('kind', ['get', 'clusters'])).stdout.split('\n');
  if (existing.includes(name)) return progress(`reusing kind cluster ${name}`);
  progress(`creating kind cluster ${name} (Kubernetes ${k8s}, 1 control plane + 3 workers)`);
  await runner.command('kind', ['create', 'cluster', '--name', name, '--config', configFile, '--wait', '180s']);
}

async function preloadImages() {
  const images = await chartImages();
  progress(`pre-loading ${images.length} images: ${images.join(', ')}`);
  for (const img of images) {
    await runner.command('docker', ['pull', '--quiet', img]);
    await runner.command('kind', ['load', 'docker-image', img, '--name', name]);
  }
}

/** One mocha run per profile, so the summary can say which profile failed. */
async function runProfile(profile, i) {
  progress(`profile ${profile} (${i + 1}/${profiles.length}): scenarios and helm test`);
  const args = ['--no-config', '--import=tsx', '--timeout', '900000', '--reporter', 'test/support/summary-reporter.cjs', 'test/kind/scenarios.test.ts'];
  const env = { REDIS_CHARTS_KIND: '1', REDIS_CHARTS_KIND_PROFILE: profile, REDIS_CHARTS_KIND_CLUSTER: name };
  if (dryRun) {
    console.log(chalk.dim(`  $ ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')} mocha ${args.join(' ')}`));
    return { profile, passed: 0, failed: 0, skipped: 0, seconds: 0, code: 0 };
  }
  const t0 = Date.now();
  const proc = $({ cwd: REPO_ROOT, env: { ...process.env, ...env }, nothrow: true, verbose: false })`${path.join(REPO_ROOT, 'node_modules', '.bin', 'mocha')} ${args}`;
  proc.stdout.pipe(process.stdout);
  proc.stderr.pipe(process.stderr);
  const out = await proc;
  const m = /(\d+) passed, (\d+) failed, (\d+) skipped\s*$/.exec(out.stdout);
  const [passed, failed, skipped] = m ? m.slice(1).map(Number) : [0, 1, 0];
  return { profile, passed, failed, skipped, seconds: Math.round((Date.now() - t0) / 1000), code: out.exitCode };
}

function summary(rows) {
  const head = ['profile', 'passed', 'failed', 'skipped', 'time', 'result'];
  const lines = rows.map((r) => [r.profile, r.passed, r.failed, r.skipped, `${r.seconds}s`, dryRun ? 'planned' : r.code === 0 ? 'ok' : 'FAILED'].map(String));
  const widths = head.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const fmt = (cells) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ');
  console.log(`\n${fmt(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${lines.map(fmt).join('\n')}`);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-kind-smoke-'));
const rows = [];
try {
  const configFile = path.join(dir, 'kind.yaml');
  fs.writeFileSync(configFile, kindConfig());
  await createCluster(configFile);
  await preloadImages();
  progress('installing the monitoring CRDs the profiles use');
  await runner.command('kubectl', ['--context', context, 'apply', '--server-side', ...CRDS.flatMap((u) => ['-f', u])]);
  for (const [i, p] of profiles.entries()) rows.push(await runProfile(p, i));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
  if (keep) progress(`keeping kind cluster ${name} (kubectl --context ${context})`);
  else {
    progress(`deleting kind cluster ${name}`);
    await runner.command('kind', ['delete', 'cluster', '--name', name], { allowFailure: true });
  }
}
summary(rows);
if (dryRun) console.log(`\ndry run: ${runner.steps.length} steps planned, nothing was run`);
process.exitCode = rows.some((r) => r.code !== 0) ? 1 : 0;
