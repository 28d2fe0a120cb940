import { kubectlTarget } from './backup/kubectl-target.ts';
import { kubectlFor } from './kube-access.ts';
import { chooseTarget } from './target.ts';
import { backupNow, listBackups } from './backup/operations.ts';
import { restoreSteps } from './backup/restore-steps.ts';
import { isBackupName } from './backup/manifest.ts';
import { parse, UsageError, type Command } from './command.ts';
import { DEFAULT_NAMESPACE } from './namespace.ts';

const HELP = `Usage: redis-charts backup <list|now|restore> --release NAME [options]

Operates the redis-backup chart of a release in the cluster redis-charts up deploys to: --context, the current kubectl
context, or the local cluster (redis-charts cluster up).
  list      backups on the release's remote, newest first, with their manifests (needs rclone here)
  now       run the backup CronJob once, wait, print the new backup's manifest; exit 1 if it fails
  restore   print the helm/kubectl steps that restore a backup into the release (review, then run them)

Options:
  --release NAME     Helm release (required)
  --namespace NS     namespace (default: ${DEFAULT_NAMESPACE})
  --context CTX      kubectl context (the local cluster's context name selects it)
  --backup NAME      restore: backup name or "latest" (default: latest)
  --chart PATH       restore: chart the release was installed from (default: charts/redis)
  --data-nodes N     restore: data pods of the release (default: 1)
  --timeout SECONDS  now: how long to wait for the job (default: 3600)

Examples:
  redis-charts backup now --release cache --namespace redis
  redis-charts backup list --release cache --namespace redis
  redis-charts backup restore --release cache --namespace redis --backup rdb-20261121T060000Z --data-nodes 3`;

export const backupCommand: Command = {
  name: 'backup',
  summary: 'list backups, run one now, or plan a restore of a release',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      release: { type: 'string' }, namespace: { type: 'string', default: DEFAULT_NAMESPACE }, context: { type: 'string' },
      backup: { type: 'string', default: 'latest' }, chart: { type: 'string', default: 'charts/redis' },
      'data-nodes': { type: 'string', default: '1' }, timeout: { type: 'string', default: '3600' },
    });
    const [action, ...extra] = positionals;
    if (!action || extra.length) throw new UsageError('expected exactly one of list, now, restore');
    if (!values.release) throw new UsageError('--release is required');
    const target = () => {
      // The same cluster `up` would deploy to: --context, the current kubectl context, or the local cluster.
      const cluster = chooseTarget(values.context);
      if (cluster.kind === 'new-local') throw new UsageError('no Kubernetes context and no local cluster running: pass --context, or start one with `redis-charts cluster up`');
      return kubectlTarget(values.release!, values.namespace!, kubectlFor(cluster));
    };
    switch (action) {
      case 'now': {
        const manifest = await backupNow(target(), Number(values.timeout) * 1000);
        console.log(JSON.stringify(manifest, null, 2));
        return 0;
      }
      case 'list': {
        const backups = await listBackups(target());
        if (!backups.length) console.log('no backups');
        for (const b of backups) {
          const m = b.manifest;
          console.log(m
            ? `${b.name}${b.latest ? ' (latest)' : ''}  keys=${m.keys} bytes=${m.bytes} from=${m.source.pod}/${m.source.role} ${m.engine} ${m.version} sha256=${m.sha256}`
            : `${b.name}  INCOMPLETE (no manifest: a failed upload; retention removes it)`);
        }
        return 0;
      }
      case 'restore': {
        if (values.backup !== 'latest' && !isBackupName(values.backup!)) throw new UsageError(`--backup must be "latest" or a name like rdb-20261121T060000Z`);
        const steps = restoreSteps({ release: values.release, namespace: values.namespace!, chart: values.chart!, backup: values.backup!, dataNodes: Number(values['data-nodes']) });
        console.log(['# Restore replaces the data of every data pod. Run these steps in order:', ...steps].join('\n'));
        return 0;
      }
      default:
        throw new UsageError(`unknown action "${action}"`);
    }
  },
};
