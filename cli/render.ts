import { renderCharts, writeCharts } from '../generator/emit/generate.ts';
import { helmTemplate } from '../generator/helm/template.ts';
import { helmBinary, userHelm, type HelmMajor } from '../toolchain/tools.ts';
import { parse, UsageError, type Command } from './command.ts';
import { validProfileFile } from './profile-arg.ts';
import { DEFAULT_NAMESPACE } from './namespace.ts';

export const renderCommand: Command = {
  name: 'render',
  summary: 'generate, then helm template the umbrella chart with a profile',
  help: `Usage: redis-charts render <profile> [--release NAME] [--namespace NS] [--set key=value ...] [--helm 3|4]

Validates the profile, regenerates charts/, and prints what \`helm template\` renders to stdout.

Examples:
  redis-charts render dev
  redis-charts render values/ha-production.yaml --release cache --namespace redis --helm 3`,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      release: { type: 'string' }, namespace: { type: 'string' }, set: { type: 'string', multiple: true }, helm: { type: 'string' },
    });
    const file = validProfileFile(positionals[0]);
    if (!file) return 1;
    if (values.helm && values.helm !== '3' && values.helm !== '4') throw new UsageError('--helm takes 3 or 4');
    writeCharts(renderCharts());
    const helm = values.helm ? helmBinary(Number(values.helm) as HelmMajor) : userHelm();
    process.stdout.write(await helmTemplate({
      helm, release: values.release ?? 'redis', namespace: values.namespace ?? DEFAULT_NAMESPACE, valuesFiles: [file], set: values.set ?? [],
    }));
    return 0;
  },
};
