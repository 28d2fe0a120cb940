// Real helm runs shared by the test files of one mocha process: each distinct command runs once.
import { execFile } from 'node:child_process';
import { helmBinary, type HelmMajor } from '../../toolchain/tools.ts';

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
    run = new Promise((resolve) => {
      execFile(binary, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => resolve({ ok: !error, stdout, stderr }));
    });
    runs.set(key, run);
  }
  return run;
}
