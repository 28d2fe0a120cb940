import fs from 'node:fs';
import path from 'node:path';
import { defaults } from '../model/dsl.ts';
import { umbrellaValuesModel } from '../charts/catalog.ts';
import { LocatedYaml, type Diagnostic } from './diagnostics.ts';
import { schemaDiagnostics } from './schema-check.ts';
import { ruleDiagnostics, type EffectiveValues } from './rules.ts';
import { deepMerge } from './merge.ts';

/** All problems of a profile: YAML syntax, then the values schema, then the semantic rules. */
export function validateProfileText(file: string, text: string): Diagnostic[] {
  const yaml = new LocatedYaml(file, text);
  const syntax = yaml.syntaxErrors();
  if (syntax.length) return syntax;
  if (yaml.value === null || typeof yaml.value !== 'object' || Array.isArray(yaml.value)) {
    return [yaml.at([], 'a profile must be a mapping of values', 'Start from values/dev.yaml.')];
  }
  const schema = schemaDiagnostics(yaml);
  if (schema.length) return schema;
  const effective = deepMerge(defaults(umbrellaValuesModel()), yaml.value) as EffectiveValues;
  return ruleDiagnostics(effective, yaml);
}

export function validateProfile(file: string): Diagnostic[] {
  const shown = path.relative(process.cwd(), file) || file;
  if (!fs.existsSync(file)) {
    return [{ file: shown, line: 0, column: 0, key: '', message: 'profile file not found', fix: 'Give a path such as values/dev.yaml, or a profile name from values/.' }];
  }
  return validateProfileText(shown, fs.readFileSync(file, 'utf8'));
}
