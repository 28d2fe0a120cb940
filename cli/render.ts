import { renderCharts } from '../generator/emit/generate.ts';
import { stageCharts } from '../generator/emit/write.ts';
import { helmTemplate } from '../generator/helm/template.ts';
import { helmBinary, userHelm, type HelmMajor } from '../toolchain/tools.ts';
import { parse, UsageError, type Command } from './command.ts';
import { validProfileFile } from './profile-arg.ts';
import { DEFAULT_NAMESPACE } from './namespace.ts';

export const renderCommand: Command = {
  name: 'render',
  summary: 'helm template the umbrella chart, as generator/ makes it now, with a profile',
  help: `Usage: redis-charts render <profile> [--release NAME] [--namespace NS] [--set key=value ...] [--helm 3|4] [--api-versions GROUP/VERSION/KIND ...]

Validates the profile, renders the charts from generator/ into a temporary directory (charts/ and the versions lock
are left as they are), and prints what \`helm template\` renders from there to stdout. --api-versions renders as for a
cluster that serves those APIs (monitoring.coreos.com/v1/ServiceMonitor, cert-manager.io/v1/Certificate...).

Examples:
  redis-charts render dev
  redis-charts render values/ha-production.yaml --release cache --namespace redis --helm 3
  redis-charts render ha-production --set global.tls.enabled=true --set global.tls.certManager.issuerRef.name=ca --api-versions cert-manager.io/v1/Certificate`,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      release: { type: 'string' }, namespace: { type: 'string' }, set: { type: 'string', multiple: true }, helm: { type: 'string' },
      'api-versions': { type: 'string', multiple: true },
    });
    const file = validProfileFile(positionals[0]);
    if (!file) return 1;
    if (values.helm && values.helm !== '3' && values.helm !== '4') throw new UsageError('--helm takes 3 or 4');
    const helm = values.helm ? helmBinary(Number(values.helm) as HelmMajor) : userHelm();
    const charts = stageCharts(renderCharts());
    try {
      process.stdout.write(await helmTemplate({
        helm, release: values.release ?? 'redis', namespace: values.namespace ?? DEFAULT_NAMESPACE, chartDir: charts.umbrellaDir, valuesFiles: [file], set: values.set ?? [],
        apiVersions: values['api-versions'] ?? [],
      }));
    } finally {
      charts.remove();
    }
    return 0;
  },
};
