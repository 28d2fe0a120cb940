/** Prints a scenario's measured figures on one line under its title: `[name] key=value ...`. */
export function report(name: string, figures: Record<string, string | number>): void {
  console.log(`      [${name}] ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ')}`);
}
