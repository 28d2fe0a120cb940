import fs from 'node:fs';
import path from 'node:path';
import { renderCharts } from '../generator/emit/generate.ts';
import type { OutputFile } from '../generator/emit/output.ts';
import { stageCharts } from '../generator/emit/write.ts';
import { helm } from '../toolchain/helm.ts';
import { userHelm } from '../toolchain/tools.ts';
import os from 'node:os';
import { stringify } from 'yaml';
import { chooseTarget, localTarget, type Target } from './target.ts';
import { buildImages, CHART_IMAGE_NAMES } from '../cluster/local/images/index.ts';
import { localImageValues } from './local-images.ts';
import { clusterStatus, startCluster, stopCluster } from '../cluster/local/lifecycle.ts';
import { toolsDir } from '../cluster/local/tools.ts';
import { SetSyntaxError } from '../generator/profiles/set-values.ts';
import { validateProfileWithSets } from '../generator/profiles/validate.ts';
import { errorsIn, formatDiagnostic } from '../generator/profiles/diagnostics.ts';
import { DEFAULT_LOCAL_CLUSTER } from './cluster.ts';
import { helmTargetArgs, kubectlFor, kubectlPodSource } from './kube-access.ts';
import { installWatchingPods, PodStartError } from '../cluster/pod-start-watch.ts';
import { kubeConnectionInfo } from './release-connection.ts';
import { parse, UsageError, type Command } from './command.ts';
import { validProfileFile } from './profile-arg.ts';
import { DEFAULT_NAMESPACE, ensureRestrictedNamespace } from './namespace.ts';

export const upCommand: Command = {
  name: 'up',
  summary: 'deploy a profile: on a Kubernetes context, or on the local cluster on this machine',
  help: `Usage: redis-charts up <profile> [--set key=value ...] [--release NAME] [--namespace NS] [--kube-context CTX]

Validates the profile (with the --set overrides applied) and deploys it with helm upgrade --install --wait.
A pod that will not start (crash loop, image pull, config error) stops the install at once with its reason and log.
  --kube-context CTX, or a current kubectl context: installs or upgrades the release there and returns.
  A local cluster started by \`redis-charts cluster up\`: installs there and returns; REDIS_URL works from this machine.
  Neither: starts a local cluster (real Kubernetes, built on this machine), installs, prints how to connect,
  and stays until Ctrl-C, then removes the release and the cluster.
The namespace (--namespace, default ${DEFAULT_NAMESPACE}) is created with Pod Security "restricted" enforced when it
does not exist; an existing one keeps its labels.
Run again with other values to upgrade the release.

Examples:
  redis-charts up dev
  redis-charts up ha-production --release cache --set server.persistence.size=5Gi
  redis-charts up ha-production --kube-context kind-redis --namespace redis`,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      release: { type: 'string' }, namespace: { type: 'string' }, 'kube-context': { type: 'string' },
      set: { type: 'string', multiple: true },
    });
    const profile = validProfileFile(positionals[0]);
    if (!profile) return 1;
    const release = values.release ?? path.basename(profile, '.yaml');
    const namespace = values.namespace ?? DEFAULT_NAMESPACE;
    const merged = profileWithSets(profile, values.set ?? []);
    if (!merged) return 1;
    try {
      // The charts as generator/ makes them now; deployed from a temporary directory, so the repository is not written.
      const charts = renderCharts();
      const target = chooseTarget(values['kube-context']);
      if (target.kind === 'new-local') return await upOnNewLocalCluster(charts, merged.file, release, namespace);
      try {
        await deploy(target, charts, merged.file, release, namespace);
      } catch (e) {
        if (!(e instanceof PodStartError)) throw e;
        console.error(`redis-charts up: ${e.message}\n\nThe release ${release} stays installed in namespace ${namespace} (status failed) for inspection.`
          + ` Fix the values and run \`redis-charts up\` again, or remove it with \`helm uninstall ${release} -n ${namespace}\`.`);
        return 1;
      }
      return 0;
    } finally {
      merged.remove();
    }
  },
};

/** The profile with --set applied, validated as one file; undefined (after printing why) when invalid. */
function profileWithSets(profile: string, sets: string[]): { file: string; remove: () => void } | undefined {
  const label = sets.length ? `${path.relative(process.cwd(), profile)} with ${sets.map((s) => `--set ${s}`).join(' ')}` : path.relative(process.cwd(), profile);
  let checked: ReturnType<typeof validateProfileWithSets>;
  try {
    checked = validateProfileWithSets(label, fs.readFileSync(profile, 'utf8'), sets);
  } catch (e) {
    if (e instanceof SetSyntaxError) throw new UsageError(e.message);
    throw e;
  }
  const { text, diagnostics } = checked;
  for (const d of diagnostics) console.error(formatDiagnostic(d));
  if (errorsIn(diagnostics).length) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-up-'));
  const file = path.join(dir, path.basename(profile));
  fs.writeFileSync(file, text, { mode: 0o600 });
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function deploy(target: Exclude<Target, { kind: 'new-local' }>, charts: OutputFile[], profile: string, release: string, namespace: string): Promise<void> {
  const where = target.kind === 'local' ? `the local cluster ${target.name} (KUBECONFIG=${target.kubeconfig})` : `Kubernetes context ${target.context}`;
  console.log(`deploying ${release} to ${where}, namespace ${namespace}`);
  const started = Date.now();
  const localImages = target.kind === 'local' ? await localImagesValuesFile() : undefined;
  const kubectl = kubectlFor(target);
  await ensureRestrictedNamespace(kubectl, namespace);
  const staged = stageCharts(charts);
  try {
    await installWatchingPods((signal) => helm(userHelm(), [
      'upgrade', '--install', release, staged.umbrellaDir, '-f', profile, ...(localImages ? ['-f', localImages.file] : []),
      '--namespace', namespace, ...helmTargetArgs(target), '--wait', '--timeout', '10m',
    ], { signal }), kubectlPodSource(kubectl, release, namespace));
  } finally {
    staged.remove();
    localImages?.remove();
  }
  const info = await kubeConnectionInfo(kubectl, release, namespace, target.kind === 'local');
  console.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n\n${info.text}`);
  if (target.kind === 'local') console.log(`\nKUBECONFIG=${target.kubeconfig}\ncontext: ${target.context}`);
}

/** The chart values that select the images built on this machine (a registry mirror, as a user would set one). */
async function localImagesValuesFile(): Promise<{ file: string; remove: () => void }> {
  const images = await buildImages({ outDir: path.join(toolsDir(), 'images'), only: CHART_IMAGE_NAMES });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-images-'));
  const file = path.join(dir, 'local-images.yaml');
  fs.writeFileSync(file, stringify(localImageValues(images)));
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function upOnNewLocalCluster(charts: OutputFile[], profile: string, release: string, namespace: string): Promise<number> {
  console.log(`no Kubernetes context configured: starting the local cluster ${DEFAULT_LOCAL_CLUSTER} (real Kubernetes on this machine)`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log(`\nstopping: removing ${release} and the local cluster...`);
    await stopCluster(DEFAULT_LOCAL_CLUSTER);
    console.log('local cluster removed');
  };
  const interrupted = untilSignal().then(async () => {
    await stop();
    process.exit(130);
  });
  void interrupted;
  try {
    const started = Date.now();
    await startCluster({ name: DEFAULT_LOCAL_CLUSTER, log: (line) => console.log(`  ${line}`) });
    console.log(`local cluster ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await deploy(localTarget(DEFAULT_LOCAL_CLUSTER), charts, profile, release, namespace);
    console.log(`\nPress Ctrl-C (or run \`redis-charts cluster down\`) to remove the release and the cluster.`);
    // The cluster runs in its own supervisor process; this one waits for Ctrl-C, or for `cluster down` elsewhere.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (!clusterStatus().some((c) => c.name === DEFAULT_LOCAL_CLUSTER && c.phase === 'ready')) {
          clearInterval(timer);
          resolve();
        }
      }, 2000);
    });
    console.log(`the local cluster ${DEFAULT_LOCAL_CLUSTER} was stopped`);
    return 0;
  } catch (e) {
    await stop();
    throw e;
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
