import { validateProfile } from '../generator/profiles/validate.ts';
import { errorsIn, formatDiagnostic } from '../generator/profiles/diagnostics.ts';
import { resolveProfile } from '../generator/profiles/files.ts';
import { parse, UsageError, type Command } from './command.ts';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check profiles against the values schema and the semantic rules',
  help: `Usage: redis-charts validate <profile...>

Checks each profile (a path, or a name under values/) with the values schema (all errors) and the
semantic rules (sentinel quorum, replicas for Sentinel, maxmemory headroom, persistence with replicas,
backup schedule). Each problem names the file, line, column and key, what is wrong and what is valid.
Warnings (a setup that may still work, e.g. S3 pod credentials without a ServiceAccount annotation) are
printed as \`file:line:col: warning: key: ...\`. Exit code 1 when any profile has an error.

Examples:
  redis-charts validate values/*.yaml
  redis-charts validate ha-production`,
  async run(argv) {
    const { positionals } = parse(argv, {});
    if (!positionals.length) throw new UsageError('name at least one profile');
    let failed = 0;
    for (const p of positionals) {
      const diagnostics = validateProfile(resolveProfile(p));
      for (const d of diagnostics) console.error(formatDiagnostic(d));
      if (errorsIn(diagnostics).length) failed++;
      else console.log(`${p}: valid${diagnostics.length ? ` (${diagnostics.length} warning${diagnostics.length > 1 ? 's' : ''})` : ''}`);
    }
    return failed ? 1 : 0;
  },
};
