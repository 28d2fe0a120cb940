import { validateProfile } from '../generator/profiles/validate.ts';
import { errorsIn, formatDiagnostic } from '../generator/profiles/diagnostics.ts';
import { resolveProfile } from '../generator/profiles/files.ts';
import { UsageError } from './command.ts';

/** The profile a command was given, validated; undefined (after printing every problem) when it has an error. */
export function validProfileFile(profile: string | undefined): string | undefined {
  if (!profile) throw new UsageError('name a profile, e.g. dev or values/ha-production.yaml');
  const file = resolveProfile(profile);
  const diagnostics = validateProfile(file);
  for (const d of diagnostics) console.error(formatDiagnostic(d));
  return errorsIn(diagnostics).length ? undefined : file;
}
