import { generateCommand } from './generate.ts';
import { validateCommand } from './validate.ts';
import { newProfileCommand } from './new-profile.ts';
import { renderCommand } from './render.ts';
import { upCommand } from './up.ts';
import { backupCommand } from './backup.ts';
import { clusterCommand } from './cluster.ts';
import { UsageError, type Command } from './command.ts';

const COMMANDS: Command[] = [generateCommand, validateCommand, newProfileCommand, renderCommand, upCommand, backupCommand, clusterCommand];

function usage(): string {
  return [
    'redis-charts: Helm charts for Redis and Valkey from validated profiles.',
    '',
    'Usage: redis-charts <command> [options]   (redis-charts <command> --help for details)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`redis-charts: unknown command "${name}"\n\n${usage()}`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`redis-charts ${name}: ${e.message}\n\n${command.help}`);
      return 1;
    }
    console.error(`redis-charts ${name}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
