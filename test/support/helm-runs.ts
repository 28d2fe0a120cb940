// Real helm runs shared by the test files of one mocha process: each distinct command runs once.
import { helmBinary, type HelmMajor } from '../../toolchain/tools.ts';
import { run as runCommand } from '../../toolchain/run.ts';

export const HELM_MAJORS: readonly HelmMajor[] = [3, 4];

export interface HelmRun {
  ok: boolean;
  stdout: string;
  stderr: string;
}

const runs = new Map<string, Promise<HelmRun>>();

/** `helm <args>` with the pinned Helm 3 or 4. A failing helm is a result (ok: false) with both streams. */
export function runHelm(major: HelmMajor, args: string[]): Promise<HelmRun> {
  const key = JSON.stringify([major, args]);
  let run = runs.get(key);
  if (!run) {
    const binary = helmBinary(major);
    run = runCommand(binary, args).then((r) => ({ ok: r.code === 0, stdout: r.stdout, stderr: r.stderr }));
    runs.set(key, run);
  }
  return run;
}
