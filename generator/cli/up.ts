import fs from 'node:fs';
import path from 'node:path';
import { renderCharts, writeCharts } from '../emit/generate.ts';
import { helm } from '../helm/template.ts';
import { renderRelease } from '../cluster/render.ts';
import { SandboxCluster } from '../cluster/sandbox/index.ts';
import { UMBRELLA_DIR } from '../paths.ts';
import { userHelm } from '../toolchain/tools.ts';
import { chooseTarget } from './target.ts';
import { findOwner, listOwned, recordOwner, UP_DIR } from './sandbox-owner.ts';
import { sandboxConnectionInfo } from './connection-info.ts';
import { parse, type Command } from './command.ts';
import { validProfileFile } from './profile-arg.ts';

export const upCommand: Command = {
  name: 'up',
  summary: 'deploy a profile: on the current Kubernetes context, or on the sandbox cluster when there is none',
  help: `Usage: redis-charts up <profile> [--release NAME] [--namespace NS] [--kube-context CTX] [--sandbox]

Validates the profile and deploys it.
  With --kube-context (or a current kubectl context): helm upgrade --install --wait against that cluster.
  Otherwise (or with --sandbox): runs the rendered charts on this machine's sandbox cluster (Linux, root),
  waits until ready, prints how to connect, and stays up until Ctrl-C, then tears everything down.

Examples:
  redis-charts up dev
  redis-charts up values/ha-production.yaml --release cache
  redis-charts up ha-production --kube-context kind-redis --namespace redis`,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      release: { type: 'string' }, namespace: { type: 'string' }, 'kube-context': { type: 'string' }, sandbox: { type: 'boolean' },
    });
    const file = validProfileFile(positionals[0]);
    if (!file) return 1;
    const release = values.release ?? path.basename(file, '.yaml');
    const namespace = values.namespace ?? 'default';
    writeCharts(renderCharts());
    const target = values.sandbox ? { kind: 'sandbox' as const } : chooseTarget(values['kube-context']);
    if (target.kind === 'kubernetes') {
      console.log(`deploying ${release} to Kubernetes context ${target.context}, namespace ${namespace}`);
      process.stdout.write(await helm(userHelm(), [
        'upgrade', '--install', release, UMBRELLA_DIR, '-f', file, '--namespace', namespace, '--create-namespace',
        '--kube-context', target.context, '--wait', '--timeout', '10m',
      ]));
      return 0;
    }
    return upOnSandbox(file, release, namespace);
  },
};

async function upOnSandbox(file: string, releaseName: string, namespace: string): Promise<number> {
  SandboxCluster.assertAvailable();
  if (findOwner(namespace, releaseName)) throw new Error(`sandbox release ${releaseName} is already up: stop it with \`redis-charts down ${releaseName}\``);
  console.log(`no Kubernetes context configured: deploying ${path.relative(process.cwd(), file)} as ${releaseName} on the sandbox cluster`);
  const cluster = new SandboxCluster({ render: renderRelease });
  const forgetOwner = recordOwner(namespace, releaseName);
  const envFile = path.join(UP_DIR, `${namespace}.${releaseName}.env`);
  const started = Date.now();
  try {
    const release = await cluster.install({ release: releaseName, namespace, valuesFiles: [file] });
    const info = await sandboxConnectionInfo(release, envFile);
    fs.writeFileSync(envFile, Object.entries(info.env).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
    console.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n\n${info.text}\n\nPress Ctrl-C (or run \`redis-charts down ${releaseName}\`) to stop and remove it.`);
    await untilSignal();
    console.log(`\nstopping ${releaseName}...`);
    await release.uninstall({ keepVolumes: false });
    return 0;
  } finally {
    await cluster.destroy();
    fs.rmSync(envFile, { force: true });
    forgetOwner();
    console.log('sandbox cleaned up');
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

export const downCommand: Command = {
  name: 'down',
  summary: 'stop and remove a sandbox release started with `up`',
  help: `Usage: redis-charts down [release] [--namespace NS]

Stops the \`up\` process that holds the release (it tears down its pods, networks and volumes).
Without a release name, lists the sandbox releases that are up.

Examples:
  redis-charts down dev`,
  async run(argv) {
    const { values, positionals } = parse(argv, { namespace: { type: 'string' } });
    const [release] = positionals;
    if (!release) {
      const owned = listOwned();
      console.log(owned.length ? owned.map((o) => `${o.namespace}/${o.release}`).join('\n') : 'no sandbox release is up');
      return 0;
    }
    const namespace = values.namespace ?? 'default';
    const pid = findOwner(namespace, release);
    if (!pid) {
      console.error(`no sandbox release ${namespace}/${release} is up (see \`redis-charts down\` for the list)`);
      return 1;
    }
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && findOwner(namespace, release)) await new Promise((r) => setTimeout(r, 200));
    if (findOwner(namespace, release)) {
      console.error(`the up process ${pid} did not stop within 60 s`);
      return 1;
    }
    console.log(`${namespace}/${release} is down`);
    return 0;
  },
};
