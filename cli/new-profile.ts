import path from 'node:path';
import { newProfile } from '../generator/profiles/new-profile.ts';
import { formatDiagnostic } from '../generator/profiles/diagnostics.ts';
import { resolveProfile } from '../generator/profiles/files.ts';
import { SetSyntaxError } from '../generator/profiles/set-values.ts';
import { parse, UsageError, type Command } from './command.ts';

export const newProfileCommand: Command = {
  name: 'new-profile',
  summary: 'write values/<name>.yaml from a profile with --set overrides, validated',
  help: `Usage: redis-charts new-profile <name> --from <profile> [--set key=value ...] [--force]

Copies a profile (keeping its comments), applies Helm-style --set overrides, validates the result and
writes values/<name>.yaml. Refuses to overwrite an existing profile without --force.

Examples:
  redis-charts new-profile staging --from ha-production --set server.persistence.size=5Gi
  redis-charts new-profile valkey-dev --from dev --set global.engine=valkey`,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      from: { type: 'string' }, set: { type: 'string', multiple: true }, force: { type: 'boolean' },
    });
    const [name] = positionals;
    if (!name || positionals.length > 1) throw new UsageError('give exactly one profile name');
    if (!values.from) throw new UsageError('--from <profile> is required');
    let result;
    try {
      result = newProfile({ name, from: resolveProfile(values.from), set: values.set ?? [], force: values.force ?? false });
    } catch (e) {
      if (e instanceof SetSyntaxError) throw new UsageError(e.message);
      throw e;
    }
    if (!result.ok) {
      if ('diagnostics' in result) for (const d of result.diagnostics) console.error(formatDiagnostic(d));
      else console.error(`redis-charts new-profile: ${result.error}`);
      console.error('nothing was written');
      return 1;
    }
    for (const d of result.warnings) console.error(formatDiagnostic(d));
    const rel = path.relative(process.cwd(), result.file);
    console.log(`wrote ${rel}\ninstall it with:\n  helm install ${name} charts/redis -f ${rel}`);
    return 0;
  },
};
