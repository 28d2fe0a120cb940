import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Component } from './components.ts';
import { identify, type ProcessIdentity } from './process-identity.ts';

/**
 * Runs the cluster's components inside their nodes' network namespaces, each with its own log file, and restarts one
 * that exits on its own, as systemd restarts a kubelet: at most MAX_RESTARTS times, then it stays down and says so.
 */
const MAX_RESTARTS = 5;
const RESTART_DELAY_MS = 1000;

export class ComponentRunner {
  private readonly children = new Map<string, ChildProcess>();
  private readonly restarts = new Map<string, number>();
  private stopping = false;

  constructor(
    private readonly logsDir: string,
    private readonly onChange: (processes: Record<string, ProcessIdentity>) => void,
    private readonly log: (line: string) => void,
  ) {
    mkdirSync(logsDir, { recursive: true });
  }

  logFile(id: string): string {
    return join(this.logsDir, `${id.replace(/\//g, '_')}.log`);
  }

  start(component: Component): void {
    const fd = openSync(this.logFile(component.id), 'a');
    const child = spawn('nsenter', [`--net=/run/netns/${component.node.netns}`, '--', ...component.argv], {
      stdio: ['ignore', fd, fd],
      env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` },
    });
    closeSync(fd);
    this.children.set(component.id, child);
    this.publish();
    child.on('exit', (code, signal) => {
      if (this.children.get(component.id) === child) this.children.delete(component.id);
      this.publish();
      if (this.stopping) return;
      const count = (this.restarts.get(component.id) ?? 0) + 1;
      this.restarts.set(component.id, count);
      if (count > MAX_RESTARTS) {
        this.log(`${component.id} exited (${signal ?? `code ${code}`}) ${count} times; not restarting it. Log: ${this.logFile(component.id)}`);
        return;
      }
      this.log(`${component.id} exited (${signal ?? `code ${code}`}); restarting (${count} of ${MAX_RESTARTS}). Log: ${this.logFile(component.id)}`);
      setTimeout(() => !this.stopping && this.start(component), RESTART_DELAY_MS);
    });
  }


  processes(): Record<string, ProcessIdentity> {
    const out: Record<string, ProcessIdentity> = {};
    for (const [id, child] of this.children) if (child.pid) out[id] = identify(child.pid);
    return out;
  }

  /** No more restarts; the caller's teardown kills what is left. */
  stopAll(): void {
    this.stopping = true;
    for (const child of this.children.values()) child.kill('SIGTERM');
  }

  private publish(): void {
    this.onChange(this.processes());
  }
}
