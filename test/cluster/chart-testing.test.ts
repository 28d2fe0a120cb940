import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { localImageValues } from '../../cli/local-images.ts';
import { run } from '../../toolchain/run.ts';
import { buildImages } from '../../cluster/local/images/index.ts';
import { clusterBinaries, toolsDir } from '../../cluster/local/tools.ts';
import { REPO_ROOT } from '../../generator/paths.ts';
import { components } from '../../generator/charts/catalog.ts';
import { helmBinary } from '../../toolchain/tools.ts';
import { kubectl, localCluster } from '../support/local-cluster.ts';
import { restrictedNamespaceManifest } from '../../cluster/pod-security.ts';

/**
 * chart-testing, built from its Go module, as the GitHub workflow runs it: `ct lint` and `ct install` of every chart
 * with its ci/*-values.yaml, the installs on the local cluster (Helm 4; images through the registry override).
 */
const CHARTS = ['redis', ...components.map((c) => c.name)];
/** Charts that need a sibling chart are linted on their own and installed through the umbrella. */
const INSTALLED_ALONE = ['redis', ...components.filter((c) => !c.notInstalledAlone).map((c) => c.name)];

describe('chart-testing (ct) on the local cluster', function () {
  this.timeout(1_200_000);
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  const namespace = `ct-${process.pid}`;
  const ct = (args: string[]) => run(join(toolsDir(), 'bin', 'ct'), args, { cwd: REPO_ROOT, env, timeout: 1_100_000 });

  before(async function () {
    this.timeout(900_000);
    const cluster = await localCluster();
    dir = mkdtempSync(join(tmpdir(), 'redis-charts-ct-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    // kubectl is the cluster's multi-call binary, which answers to the name it is called by. ct drives Helm 3 (the
    // Helm its own image ships); every scenario installs with Helm 4.
    for (const [name, target] of [['helm', helmBinary(3)], ['kubectl', clusterBinaries().kube], ['yamale', join(REPO_ROOT, '.tools', 'ct', 'venv', 'bin', 'yamale')]] as const) {
      symlinkSync(target, join(bin, name));
    }
    const images = await buildImages({ outDir: join(toolsDir(), 'images') });
    for (const chart of CHARTS) writeFileSync(join(dir, `${chart}-images.yaml`), stringify(localImageValues(images, chart)));
    env = { ...process.env, PATH: `${bin}:${process.env['PATH']}`, KUBECONFIG: cluster.kubeconfig, HOME: dir };
    await kubectl(['create', '-f', '-'], restrictedNamespaceManifest(namespace));
  });
  // Stopped when the suite ends, so timing-sensitive suites after it do not share the CPUs with an idle cluster.
  after(async function () {
    this.timeout(120_000);
    await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('ct lint --all passes (helm lint, yamllint, Chart.yaml schema, maintainers off)', async () => {
    const r = await ct(['lint', '--config', 'ct.yaml', '--all', '--check-version-increment=false',
      '--chart-yaml-schema', join(toolsDir(), 'ct', 'chart_schema.yaml')]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).to.equal(0);
    expect(r.stdout + r.stderr).to.match(/All charts linted successfully/);
  });

  // One ct install per chart: each installs on its own and has its own image keys for the registry mirror.
  for (const chart of INSTALLED_ALONE) {
    it(`ct install ${chart}: installs and tests it with each of its ci values files`, async () => {
      // Into one namespace that enforces Pod Security "restricted", made here: ct then skips making and deleting one
      // per install, and waiting for each deletion.
      const r = await ct(['install', '--config', 'ct.yaml', '--charts', `charts/${chart}`, '--namespace', namespace, '--helm-extra-set-args', `--values=${join(dir, `${chart}-images.yaml`)}`]);
      expect(r.code, `${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`).to.equal(0);
      expect(r.stdout + r.stderr).to.match(/All charts installed successfully/);
    });
  }
});
