import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { renderRelease } from '../../generator/helm/render-release.ts';
import { errorsIn, formatDiagnostic, keyPath, LocatedYaml, type Diagnostic } from '../../generator/profiles/diagnostics.ts';
import { SetSyntaxError } from '../../generator/profiles/set-values.ts';
import { validateProfileWithSets } from '../../generator/profiles/validate.ts';
import { acceptedFuzzProfiles, allFuzzCases, FUZZ_SEED, fuzzProfileCases, MODEL_KEYS, type FuzzCase } from '../support/profile-fuzz.ts';

/** Problems of the file as a whole: no key to name. */
const WHOLE_FILE = /^(YAML (syntax )?error|a profile must be a mapping)/;
const HELM_SAMPLE = 40;

type Outcome =
  | { kind: 'checked'; text: string; diagnostics: Diagnostic[] }
  | { kind: 'malformed-set' }
  | { kind: 'failure'; why: string };

function validateCase(c: FuzzCase): Outcome {
  let result: { text: string; diagnostics: Diagnostic[] };
  try {
    result = validateProfileWithSets('fuzz.yaml', c.text, c.sets);
  } catch (e) {
    if (e instanceof SetSyntaxError && c.sets.some((s) => e.message.includes(JSON.stringify(s)))) return { kind: 'malformed-set' };
    return { kind: 'failure', why: `threw ${(e as Error).constructor.name}: ${String((e as Error).message).slice(0, 300)}` };
  }
  // The profile's own keys are read only when a diagnostic names a key outside the model: most name one inside.
  let written: ReadonlySet<string> | undefined;
  const known = (key: string) => MODEL_KEYS.has(key) || (written ??= new Set(inputKeys(result.text))).has(key);
  for (const d of result.diagnostics) {
    const problem = diagnosticProblem(d, known);
    if (problem) return { kind: 'failure', why: `${problem}: ${formatDiagnostic(d).slice(0, 300)}` };
  }
  return { kind: 'checked', ...result };
}

function diagnosticProblem(d: Diagnostic, known: (key: string) => boolean): string | undefined {
  if (!d.message) return 'no message';
  if (!d.fix) return 'no fix';
  if (!Number.isInteger(d.line) || d.line < 0) return `line ${d.line}`;
  if (d.key === '') return WHOLE_FILE.test(d.message) ? undefined : 'names no key';
  if (!known(d.key)) return `names "${d.key}", a key neither in the profile nor in the values model`;
  return undefined;
}

/** Every key path of the profile as written: as YAML 1.2 reads it and as the validator (and Helm) read it. */
function inputKeys(text: string): string[] {
  const keys: string[] = [];
  const collect = (v: unknown, at: (string | number)[], inside: unknown[]) => {
    if (at.length) keys.push(keyPath(at));
    if (v === null || typeof v !== 'object' || inside.includes(v)) return;
    for (const [k, x] of Object.entries(v)) collect(x, [...at, Array.isArray(v) ? Number(k) : k], [...inside, v]);
  };
  for (const read of [() => parse(text, { logLevel: 'silent' }), () => new LocatedYaml('fuzz.yaml', text).value]) {
    try {
      collect(read(), [], []);
    } catch {
      // Unreadable this way: the other reading, or a whole-file diagnostic, covers it.
    }
  }
  return keys;
}

/** Every `step`-th accepted profile, at most `n`: spread over the whole run, the same each time. */
const sample = <T>(xs: T[], n: number): T[] => xs.filter((_, i) => i % Math.max(1, Math.ceil(xs.length / n)) === 0).slice(0, n);

type Checked = { c: FuzzCase; text: string; diagnostics: Diagnostic[] };

describe('validate under fuzzing (profiles and --set)', () => {
  let cases: FuzzCase[];
  let outcomes: { c: FuzzCase; outcome: Outcome }[];
  let checked: Checked[];
  let accepted: Checked[];

  before(() => {
    cases = allFuzzCases();
    outcomes = cases.map((c) => ({ c, outcome: validateCase(c) }));
    checked = outcomes.flatMap(({ c, outcome }) => (outcome.kind === 'checked' ? [{ c, text: outcome.text, diagnostics: outcome.diagnostics }] : []));
    accepted = checked.filter((x) => errorsIn(x.diagnostics).length === 0);
  });

  after(() => {
    const named = new Set(checked.flatMap((x) => x.diagnostics.map((d) => d.key).filter(Boolean)));
    const sets = cases.reduce((n, c) => n + c.sets.length, 0);
    const malformed = outcomes.filter((o) => o.outcome.kind === 'malformed-set').length;
    console.log(`validate fuzz: ${cases.length} cases (${cases.filter((c) => !c.sets.length).length} profiles, ${sets} --set expressions), `
      + `${accepted.length} accepted, ${checked.length - accepted.length} rejected, ${malformed} malformed --set refused, ${named.size} distinct keys named`);
  });

  it('generates at least 1,000 profiles and a few hundred --set expressions, the same ones on every run', () => {
    expect(cases.filter((c) => !c.sets.length).length).to.be.at.least(1000);
    expect(cases.reduce((n, c) => n + c.sets.length, 0)).to.be.at.least(300);
    // The generator draws every case from one seeded sequence, so a fresh run's first cases are these.
    expect(fuzzProfileCases(FUZZ_SEED, 100).map((c) => c.text)).to.deep.equal(cases.slice(0, 100).map((c) => c.text));
  });

  it('never throws (but SetSyntaxError naming the expression), and every diagnostic has a message, a fix, a line and a key the user can find', () => {
    const failures = outcomes.flatMap(({ c, outcome }) => (outcome.kind === 'failure' ? [`${c.name}\n    ${outcome.why}`] : []));
    expect(failures.length, `${failures.length} failing cases, the first:\n${failures.slice(0, 15).join('\n')}`).to.equal(0);
  });

  it('accepts some profiles and rejects others (the fuzzing reaches both sides)', () => {
    expect(accepted.length).to.be.at.least(100);
    expect(checked.length - accepted.length).to.be.at.least(300);
  });

  it(`is matched by helm template: a sample of ${HELM_SAMPLE} accepted profiles renders`, async function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-fuzz-'));
    const refused: string[] = [];
    try {
      const queue = sample(accepted, HELM_SAMPLE).map((x, i) => ({ ...x, file: path.join(dir, `accepted-${i}.yaml`) }));
      // Two helm processes at a time: quick enough, and light on a small CI machine.
      const worker = async () => {
        for (let x = queue.shift(); x; x = queue.shift()) {
          fs.writeFileSync(x.file, x.text);
          try {
            await renderRelease({ release: 'fuzz', valuesFiles: [x.file] });
          } catch (e) {
            refused.push(`${x.c.name}\n    ${String((e as Error).message).split('\n').slice(1, 4).join(' ').slice(0, 400)}`);
          }
        }
      };
      await Promise.all([worker(), worker()]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(refused, `validate accepted what helm template refuses:\n${refused.join('\n')}`).to.deep.equal([]);
  });

  it('exports the accepted profiles for a cluster dry-run, as the files up would install', () => {
    // A slice keeps the run short: the export validates with the same function as above.
    const slice = cases.slice(-200);
    expect(acceptedFuzzProfiles(slice).map((p) => p.text)).to.deep.equal(accepted.filter((x) => slice.includes(x.c)).map((x) => x.text));
  });
});
