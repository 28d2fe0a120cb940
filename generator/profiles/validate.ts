import fs from 'node:fs';
import path from 'node:path';
import { defaults } from '../model/dsl.ts';
import { umbrellaValuesModel } from '../charts/catalog.ts';
import { LocatedYaml, type Diagnostic } from './diagnostics.ts';
import { schemaDiagnostics } from './schema-check.ts';
import { ruleDiagnostics, type EffectiveValues } from './rules.ts';
import { deepMerge } from './merge.ts';
import { applySets } from './set-values.ts';
import { valuesHelmCannotCarry } from './helm-values.ts';

/** All problems of a profile: YAML syntax, then values Helm cannot carry, then the values schema, then the semantic rules. */
export function validateProfileText(file: string, text: string): Diagnostic[] {
  const yaml = new LocatedYaml(file, text);
  const whole = fileProblems(yaml);
  if (whole.length) return whole;
  const unreadable = valuesHelmCannotCarry(yaml, yaml.value, []);
  if (unreadable.length) return unreadable;
  const schema = schemaDiagnostics(yaml);
  if (schema.length) return schema;
  const effective = deepMerge(defaults(umbrellaValuesModel()), yaml.value) as EffectiveValues;
  return ruleDiagnostics(effective, yaml);
}

/** Problems of the file as a whole, which leave no values to check: YAML Helm cannot read, or no mapping. */
function fileProblems(yaml: LocatedYaml): Diagnostic[] {
  const syntax = yaml.syntaxErrors();
  if (syntax.length) return syntax;
  if (yaml.value === null || typeof yaml.value !== 'object' || Array.isArray(yaml.value)) {
    return [yaml.at([], 'a profile must be a mapping of values', 'Start from values/dev.yaml.')];
  }
  return [];
}

/**
 * A profile with --set overrides applied (the text `up` installs), and all its problems.
 * Throws SetSyntaxError for a malformed --set expression.
 */
export function validateProfileWithSets(file: string, text: string, sets: readonly string[]): { text: string; diagnostics: Diagnostic[] } {
  if (!sets.length) return { text, diagnostics: validateProfileText(file, text) };
  // A file Helm cannot read as values takes no override: its own problems come first.
  const whole = fileProblems(new LocatedYaml(file, text));
  if (whole.length) return { text, diagnostics: whole };
  const withSets = applySets(text, sets).toString({ lineWidth: 0 });
  return { text: withSets, diagnostics: validateProfileText(file, withSets) };
}

export function validateProfile(file: string): Diagnostic[] {
  const shown = path.relative(process.cwd(), file) || file;
  if (!fs.existsSync(file)) {
    return [{ file: shown, line: 0, column: 0, key: '', message: 'profile file not found', fix: 'Give a path such as values/dev.yaml, or a profile name from values/.' }];
  }
  return validateProfileText(shown, fs.readFileSync(file, 'utf8'));
}
