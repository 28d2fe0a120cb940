/**
 * Generator time: emit every chart and validate every profile, in process, repeated.
 *   npx tsx bench/generator.ts [runs]
 */
import { renderCharts } from '../generator/emit/generate.ts';
import { writeCharts } from '../generator/emit/write.ts';
import { validateProfile } from '../generator/profiles/validate.ts';
import { errorsIn } from '../generator/profiles/diagnostics.ts';
import { listProfiles } from '../generator/profiles/files.ts';
import { summarize } from './stats.ts';

const runs = Number(process.argv[2] ?? 5);
const generate: number[] = [];
const validate: number[] = [];
for (let i = 0; i < runs; i++) {
  let t = performance.now();
  writeCharts(renderCharts());
  generate.push(Math.round(performance.now() - t));
  t = performance.now();
  for (const p of listProfiles()) if (errorsIn(validateProfile(p.file)).length) throw new Error(`${p.file} is invalid`);
  validate.push(Math.round(performance.now() - t));
}
console.log(`generate (all charts): ${summarize(generate)}`);
console.log(`validate values/*.yaml: ${summarize(validate)}`);
