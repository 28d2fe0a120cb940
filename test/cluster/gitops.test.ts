import { expect } from 'chai';
import { parseAllDocuments, parseDocument } from 'yaml';
import { UMBRELLA_DIR } from '../../generator/paths.ts';
import { authSecretName, connectionSecretName, internalAuthSecretName, sentinelHeadlessName, sentinelName, serverHeadlessName, serverName, tlsSecretName } from '../../generator/charts/names.ts';
import { helmBinary } from '../../toolchain/tools.ts';
import { runChecked } from '../../toolchain/run.ts';
import { restrictedNamespaceManifest } from '../../cluster/pod-security.ts';
import { kubectl, localValuesFile } from '../support/local-cluster.ts';
import { profileFile, releaseName } from '../scenarios/scenario.ts';

type Manifest = { kind: string; metadata: { name: string; annotations?: Record<string, string> }; text?: string };

const hookOf = (o: Manifest) => o.metadata.annotations?.['helm.sh/hook'] ?? '';
const weightOf = (o: Manifest) => Number(o.metadata.annotations?.['helm.sh/hook-weight'] ?? 0);
const policyOf = (o: Manifest) => o.metadata.annotations?.['helm.sh/hook-delete-policy'] ?? '';
const ref = (o: Manifest) => `${o.kind.toLowerCase()}/${o.metadata.name}`;

/**
 * One sync as Argo CD does it with a Helm chart's `helm template` output: Helm's pre-install/pre-upgrade hooks run as
 * PreSync (in weight order, each Job to completion, re-created when `before-hook-creation`), then every other object is
 * applied and becomes ready, then post-install/post-upgrade hooks run as PostSync; `hook-succeeded` hooks are removed
 * at the end. Test hooks are not synced.
 */
async function sync(namespace: string, rendered: string, statefulSets: string[]): Promise<void> {
  // Applied as rendered: a YAML 1.2 round trip would turn `defaultMode: 0555` (octal to Kubernetes) into decimal.
  const objects = rendered.split(/^---$/m).map((text) => ({ text, o: parseDocument(text).toJS() as Manifest | null }))
    .filter((d): d is { text: string; o: Manifest } => !!d.o?.kind).map(({ text, o }) => Object.assign(o, { text }));
  const phase = (o: Manifest) => {
    const hook = hookOf(o);
    if (!hook) return 'Sync';
    if (/pre-install|pre-upgrade/.test(hook)) return 'PreSync';
    return /post-install|post-upgrade/.test(hook) ? 'PostSync' : 'Skip';
  };
  const runHooks = async (hooks: Manifest[]) => {
    for (const hook of [...hooks].sort((a, b) => weightOf(a) - weightOf(b))) {
      if (policyOf(hook).includes('before-hook-creation')) await kubectl(['delete', '-n', namespace, '--ignore-not-found', '--wait', ref(hook)]);
      await kubectl(['apply', '-n', namespace, '-f', '-'], hook.text);
      if (hook.kind === 'Job') await kubectl(['wait', '-n', namespace, '--for=condition=Complete', '--timeout=150s', ref(hook)]);
    }
  };
  await runHooks(objects.filter((o) => phase(o) === 'PreSync'));
  await kubectl(['apply', '-n', namespace, '-f', '-'], objects.filter((o) => phase(o) === 'Sync').map((o) => o.text).join('\n---\n'));
  for (const sts of statefulSets) await kubectl(['rollout', 'status', '-n', namespace, `statefulset/${sts}`, '--timeout=240s']);
  await runHooks(objects.filter((o) => phase(o) === 'PostSync'));
  for (const hook of objects.filter((o) => phase(o) !== 'Sync' && policyOf(o).includes('hook-succeeded'))) {
    await kubectl(['delete', '-n', namespace, '--ignore-not-found', ref(hook)]);
  }
}

/**
 * GitOps: a release that only ever sees `helm template` output (no `lookup`, no Helm release), applied as Argo CD applies
 * it. The password is generated once in the cluster by the chart's hook Job and survives a re-sync.
 */
describe('GitOps: helm template output synced as Argo CD syncs it, twice', function () {
  this.timeout(900_000);

  it('renders the same bytes twice; the hook Jobs create the password, the internal users\' passwords and the TLS certificate once; a re-sync keeps them and every data pod and sentinel accepts the password over TLS', async () => {
    const release = releaseName('gitops');
    const namespace = `rc-${release}`;
    const values = ['-f', profileFile('ha-production'), '-f', await localValuesFile(), '--set', 'exporter.enabled=false,alerts.enabled=false,backup.enabled=false'];
    const render = () => runChecked(helmBinary(4), ['template', release, UMBRELLA_DIR, '--namespace', namespace, '--skip-tests', ...values]);
    const rendered = await render();
    expect(await render(), 'a second render of the same values').to.equal(rendered);
    const secrets = parseAllDocuments(rendered).map((d) => d.toJS() as Manifest | null).filter((o) => o?.kind === 'Secret').map((o) => o!.metadata.name);
    expect(secrets, 'Secrets with a password in what Helm renders').to.not.include.members([authSecretName(release), connectionSecretName(release)]);
    await kubectl(['create', '-f', '-'], restrictedNamespaceManifest(namespace));
    try {
      const statefulSets = [serverName(release), sentinelName(release)];
      const secret = async (name: string, key: string) => Buffer.from(await kubectl(['get', 'secret', '-n', namespace, name, '-o', `jsonpath={.data.${key}}`]), 'base64').toString();
      const accepts = async (pw: string) => {
        const members = [0, 1, 2].flatMap((i) => [`${serverName(release)}-${i}.${serverHeadlessName(release)} 6379 --user app`, `${sentinelName(release)}-${i}.${sentinelHeadlessName(release)} 26379`]);
        const script = members.map((m) => { const [host, port, ...user] = m.split(' '); return `REDISCLI_AUTH="$1" redis-cli --tls --cacert /etc/redis-tls/ca.crt --no-auth-warning ${user.join(' ')} -h ${host} -p ${port} PING`; }).join('; ');
        return (await kubectl(['exec', '-n', namespace, `${serverName(release)}-0`, '-c', 'redis', '--', 'sh', '-c', script, 'sh', pw])).trim().split('\n');
      };

      await sync(namespace, rendered, statefulSets);
      const first = await secret(authSecretName(release), 'redis-password');
      expect(first, 'a generated password').to.match(/^[A-Za-z0-9]{32}$/);
      const url = new URL(await secret(connectionSecretName(release), 'redis-url'));
      expect(decodeURIComponent(url.password), 'the connection Secret\'s REDIS_URL').to.equal(first);
      expect(await accepts(first)).to.deep.equal(Array(6).fill('PONG'));
      // ha-production serves TLS with a certificate the hook generated in the cluster, once.
      const certificate = await secret(tlsSecretName(release), 'tls\\.crt');
      expect(certificate).to.match(/BEGIN CERTIFICATE/);
      // ha-production has ACL users: their passwords, generated in the cluster once.
      const operator = await secret(internalAuthSecretName(release), 'operator');
      expect(operator, 'a generated operator password').to.match(/^[A-Za-z0-9]{32}$/);
      const uids = await kubectl(['get', 'pods', '-n', namespace, '-l', 'app.kubernetes.io/component in (server,sentinel)', '-o', 'jsonpath={.items[*].metadata.uid}']);

      await sync(namespace, await render(), statefulSets);
      expect(await secret(authSecretName(release), 'redis-password'), 'the password after a re-sync').to.equal(first);
      expect(await accepts(first)).to.deep.equal(Array(6).fill('PONG'));
      expect(await secret(tlsSecretName(release), 'tls\\.crt'), 'the certificate after a re-sync').to.equal(certificate);
      expect(await secret(internalAuthSecretName(release), 'operator'), 'the operator password after a re-sync').to.equal(operator);
      expect(await kubectl(['get', 'pods', '-n', namespace, '-l', 'app.kubernetes.io/component in (server,sentinel)', '-o', 'jsonpath={.items[*].metadata.uid}']), 'no data pod or sentinel restarted').to.equal(uids);
      const leftovers = await kubectl(['get', 'serviceaccount,role,rolebinding,job', '-n', namespace, '-o', 'name']);
      expect(leftovers, 'the hook objects are gone').to.not.match(/secrets-init|auth-rotate/);
    } finally {
      await kubectl(['delete', 'namespace', namespace, '--wait=false']);
    }
  });
});
