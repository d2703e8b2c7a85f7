/**
 * The engine's event stream for one run's containers, shared by every sandbox of this process:
 * `exec_die` says when a runtime's main process ended (even while children still hold its output
 * pipes) and `oom` says the kernel killed something at the memory limit.
 */
import type { Readable } from 'node:stream';
import { dockerClient } from './container-engine.ts';

interface EngineEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export class RunEvents {
  readonly #label: string;
  #stream: Readable | undefined;
  #opening: Promise<void> | undefined;
  #users = 0;
  readonly #execDied = new Map<string, number>();
  readonly #execWaiters = new Map<string, (code: number) => void>();
  readonly #ooms = new Map<string, number>();
  readonly #oomWaiters = new Set<{ id: string; resolve: () => void }>();

  /** `label` is `key=value` of the run's containers. */
  constructor(label: string) {
    this.#label = label;
  }

  /** Subscribes (once) before a sandbox starts; `release` when the sandbox is gone. */
  async acquire(): Promise<void> {
    this.#users++;
    this.#opening ??= this.#open();
    await this.#opening;
  }

  release(): void {
    if (--this.#users > 0) return;
    this.#stream?.destroy();
    this.#stream = undefined;
    this.#opening = undefined;
  }

  /** Resolves with the exit status of an exec when the engine reports it ended. */
  execDied(execId: string): Promise<number> {
    const known = this.#execDied.get(execId);
    if (known !== undefined) {
      this.#execDied.delete(execId);
      return Promise.resolve(known);
    }
    return new Promise((resolve) => this.#execWaiters.set(execId, resolve));
  }

  forgetExec(execId: string): void {
    this.#execWaiters.delete(execId);
    this.#execDied.delete(execId);
  }

  /** OOM kills seen so far in a container. */
  oomCount(containerId: string): number {
    return this.#ooms.get(containerId) ?? 0;
  }

  /** Resolves true as soon as the container has more than `seen` OOM kills, false after `ms`. */
  async waitForOom(containerId: string, seen: number, ms: number): Promise<boolean> {
    if (this.oomCount(containerId) > seen) return true;
    let entry: { id: string; resolve: () => void } | undefined;
    let timer: NodeJS.Timeout | undefined;
    const got = await Promise.race([
      new Promise<true>((resolve) => {
        entry = { id: containerId, resolve: () => resolve(true) };
        this.#oomWaiters.add(entry);
      }),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
    clearTimeout(timer);
    if (entry) this.#oomWaiters.delete(entry);
    return got;
  }

  forgetContainer(containerId: string): void {
    this.#ooms.delete(containerId);
  }

  async #open(): Promise<void> {
    const docker = (await dockerClient()).container.dockerode;
    const stream = (await docker.getEvents({ filters: { type: ['container'], event: ['exec_die', 'oom'], label: [this.#label] } })) as Readable;
    this.#stream = stream;
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.#dispatch(JSON.parse(line) as EngineEvent);
    });
    stream.on('error', () => undefined);
  }

  #dispatch(e: EngineEvent): void {
    const id = e.Actor?.ID ?? '';
    if (e.Action === 'oom') {
      this.#ooms.set(id, this.oomCount(id) + 1);
      for (const w of this.#oomWaiters) if (w.id === id) w.resolve();
      return;
    }
    if (e.Action === 'exec_die') {
      const execId = e.Actor?.Attributes?.execID ?? '';
      const code = Number(e.Actor?.Attributes?.exitCode ?? -1);
      const waiter = this.#execWaiters.get(execId);
      if (waiter) {
        this.#execWaiters.delete(execId);
        waiter(code);
      } else {
        // helper execs (kill, sandbox commands) are never awaited here: keep only the recent ones
        this.#execDied.set(execId, code);
        if (this.#execDied.size > 256) this.#execDied.delete(this.#execDied.keys().next().value as string);
      }
    }
  }
}
