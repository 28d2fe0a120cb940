import { readFileSync } from 'node:fs';

/** A process, identified beyond its pid: /proc/<pid>/stat's start time, so a recycled pid is never mistaken for it. */
export interface ProcessIdentity {
  pid: number;
  start: string;
}

export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function identify(pid: number): ProcessIdentity {
  return { pid, start: processStart(pid) ?? '' };
}

export const isAlive = (p: ProcessIdentity | undefined): boolean => !!p && processStart(p.pid) === p.start;
