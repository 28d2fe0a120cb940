import { renderCharts } from '../generator/emit/generate.ts';
import { writeCharts } from '../generator/emit/write.ts';
import { staleFiles } from '../generator/emit/check.ts';
import { parse, type Command } from './command.ts';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'emit the charts under charts/ from generator/',
  help: `Usage: redis-charts generate [--check]

Emits every chart (Chart.yaml, values.yaml, values.schema.json, README.md, templates) under charts/.
  --check   write nothing; exit 1 and list the files that differ from what would be generated

Examples:
  redis-charts generate
  redis-charts generate --check`,
  async run(argv) {
    const { values } = parse(argv, { check: { type: 'boolean' } });
    const files = renderCharts();
    if (values.check) {
      const stale = staleFiles(files);
      if (stale.length) {
        console.error(`charts/ is out of date with generator/ (run \`npm run generate\`):\n${stale.map((f) => `  ${f}`).join('\n')}`);
        return 1;
      }
      console.log(`charts/ is up to date (${files.length} files)`);
      return 0;
    }
    writeCharts(files);
    console.log(`generated ${files.length} files under charts/`);
    return 0;
  },
};
