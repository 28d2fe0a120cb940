const FIELDS: { name: string; min: number; max: number }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];
const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const NAMES = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat)$/i;

/** Why a Kubernetes CronJob schedule is invalid, or undefined when it is valid. */
export function cronProblem(schedule: string): string | undefined {
  const s = schedule.trim();
  if (MACROS.has(s)) return undefined;
  const parts = s.split(/\s+/);
  if (parts.length !== 5) return `has ${parts.length} fields, a schedule needs 5 (minute hour day-of-month month day-of-week)`;
  for (const [i, part] of parts.entries()) {
    const field = FIELDS[i]!;
    for (const item of part.split(',')) {
      const [range, step] = item.split('/');
      if (step !== undefined && !/^[1-9][0-9]*$/.test(step)) return `${field.name} step "${step}" is not a positive number`;
      if (range === '*' || range === '?') continue;
      for (const bound of (range ?? '').split('-')) {
        if (NAMES.test(bound)) continue;
        if (!/^[0-9]+$/.test(bound)) return `${field.name} "${bound}" is not a number`;
        const n = Number(bound);
        if (n < field.min || n > field.max) return `${field.name} ${n} is outside ${field.min}-${field.max}`;
      }
    }
  }
  return undefined;
}
