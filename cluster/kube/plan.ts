import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../../generator/paths.ts';
import { stopOnAbort } from '../../toolchain/stop-on-abort.ts';

/** The command-line tools a real-cluster run calls. */
export type Tool = 'helm' | 'kind' | 'kubectl' | 'docker';

/** One thing a run does to the outside world, recorded in order. */
export type Step =
  | { kind: 'command'; tool: Tool; args: string[] }
  /** A Kubernetes API call made with client-node, shown as the kubectl command that does the same. */
  | { kind: 'api'; kubectl: string[] }
  | { kind: 'wait'; what: string };

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface CommandOptions {
  /** Reads local files only and touches no cluster (e.g. `helm template`): it runs in a dry run too. */
  local?: boolean;
  stdin?: string;
  /** Return a non-zero exit instead of throwing. */
  allowFailure?: boolean;
  /** Stops the command (SIGTERM, later SIGKILL); the call then rejects with the signal's reason once it has exited. */
  signal?: AbortSignal;
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
}

export class CommandFailedError extends Error {
  constructor(readonly step: Step, readonly result: CommandResult) {
    super(`${formatStep(step)} exited with ${result.code}:\n${(result.stderr || result.stdout).trim()}`);
  }
}

export class WaitTimeoutError extends Error {}

export type RunMode = 'real' | 'dry-run';

/**
 * The single door every helm, kind, kubectl, docker and Kubernetes API call goes through. A real run executes
 * and records; a dry run only records (and prints through `onStep`), so the plan can be read and tested
 * without a cluster.
 */
export class CommandRunner {
  private readonly recorded: Step[] = [];

  constructor(
    readonly mode: RunMode,
    private readonly opts: { binaries?: Partial<Record<Tool, string>>; onStep?: (line: string) => void } = {},
  ) {}

  get dryRun(): boolean {
    return this.mode === 'dry-run';
  }

  /** Every step so far, in order. */
  get steps(): readonly Step[] {
    return this.recorded;
  }

  /** The plan as shell-like lines. */
  plan(): string[] {
    return this.recorded.map(formatStep);
  }

  async command(tool: Tool, args: string[], o: CommandOptions = {}): Promise<CommandResult> {
    const step: Step = { kind: 'command', tool, args };
    this.record(step);
    if (this.dryRun && !o.local) return { stdout: '', stderr: '', code: 0 };
    const result = await execute(this.opts.binaries?.[tool] ?? tool, args, o.stdin, o.signal);
    if (result.code !== 0 && !o.allowFailure) throw new CommandFailedError(step, result);
    return result;
  }

  /** A client-node call; in a dry run `dryRunValue` stands in for its answer. */
  async api<T>(kubectl: string[], call: () => Promise<T>, dryRunValue: T): Promise<T> {
    this.record({ kind: 'api', kubectl });
    return this.dryRun ? dryRunValue : call();
  }

  /** Poll `done` until it holds; a dry run records the wait and returns at once. */
  async wait(what: string, done: () => Promise<boolean>, o: WaitOptions): Promise<void> {
    this.record({ kind: 'wait', what });
    if (this.dryRun) return;
    const deadline = Date.now() + o.timeoutMs;
    for (;;) {
      if (await done()) return;
      if (Date.now() > deadline) throw new WaitTimeoutError(`timed out after ${o.timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, o.intervalMs ?? 1000));
    }
  }

  private record(step: Step): void {
    this.recorded.push(step);
    this.opts.onStep?.(formatStep(step));
  }
}

function execute(binary: string, args: string[], stdin: string | undefined, signal: AbortSignal | undefined): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = stopOnAbort(child, signal);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => {
      exited();
      reject(e);
    });
    child.on('close', (code) => {
      exited();
      if (signal?.aborted) reject(signal.reason);
      else resolve({ stdout, stderr, code: code ?? 1 });
    });
    // A command that exits before reading its input closes the pipe; its exit code says what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin ?? '');
  });
}

/** A step as one readable line; paths inside the repository are shown relative to it. */
export function formatStep(step: Step): string {
  switch (step.kind) {
    case 'command':
      return [step.tool, ...step.args].map(shellWord).join(' ');
    case 'api':
      return `${['kubectl', ...step.kubectl].map(shellWord).join(' ')}  # via client-node`;
    case 'wait':
      return `# wait for ${step.what}`;
  }
}

function shellWord(word: string): string {
  const w = word.startsWith(`${REPO_ROOT}/`) ? word.slice(REPO_ROOT.length + 1) : word;
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`;
}
