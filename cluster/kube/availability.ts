import { execFileSync } from 'node:child_process';

/** What a kind run needs on this machine. */
export type KindPrerequisite = 'docker' | 'kind';

export const KIND_SKIP_HINT = 'install Docker and kind, then run npm run test:kind';

/** The missing prerequisites: docker must answer (a running engine), kind must be on PATH. */
export function missingKindPrerequisites(): KindPrerequisite[] {
  const missing: KindPrerequisite[] = [];
  if (!answers('docker', ['info', '--format', '{{.ServerVersion}}'])) missing.push('docker');
  if (!answers('kind', ['version'])) missing.push('kind');
  return missing;
}

/** "docker and kind not found", "kind not found", ... */
export function describeMissing(missing: KindPrerequisite[]): string {
  return `${missing.join(' and ')} not found`;
}

function answers(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}
