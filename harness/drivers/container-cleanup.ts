/**
 * No container outlives the bootspec run that started it. Four layers, each enough on its own for
 * the cases it covers:
 *   1. a lifeline per container (container-sandbox.ts): its init reads stdin from an attach held by
 *      the bootspec process that created it, so when that process dies, however it dies (crash,
 *      SIGKILL, Ctrl-C), the container stops and the engine removes it (AutoRemove);
 *   2. environments release their container when they close, and a run removes every container
 *      labelled with its run id when it ends;
 *   3. Ctrl-C / SIGTERM / SIGHUP and process exit remove the run's containers too;
 *   4. every start removes containers whose owning bootspec process is gone (sweepStale).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CHILD_EXEC_ARGV, CODE_EXT } from '../code-kind.ts';
import { dockerClient, isGoneError } from './container-engine.ts';

/** Present on every container bootspec starts: `docker ps -a --filter label=bootspec.sandbox`. */
export const SANDBOX_LABEL = 'bootspec.sandbox';
/** The run a container belongs to (one `bootspec run|invoke|serve` command). */
export const RUN_LABEL = 'bootspec.run';
/** host:pid:start-time of the bootspec process that owns the run. */
export const OWNER_LABEL = 'bootspec.owner';

export interface RunIdentity {
  runId: string;
  owner: string;
}

export function newRunIdentity(): RunIdentity {
  return { runId: `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`, owner: ownerOf(process.pid) };
}

export function runLabels(run: RunIdentity): Record<string, string> {
  return { [SANDBOX_LABEL]: '1', [RUN_LABEL]: run.runId, [OWNER_LABEL]: run.owner };
}

/** Start time in clock ticks (field 22 of /proc/pid/stat): a pid reused by another process differs. */
function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function ownerOf(pid: number): string {
  return `${hostname()}:${pid}:${startTicks(pid) ?? '0'}`;
}

/** False when the owner ran on this host and is gone; true when alive or unknowable (another host). */
export function ownerAlive(owner: string): boolean {
  const [host, pid, ticks] = owner.split(':');
  if (host !== hostname() || !pid) return true;
  const now = startTicks(Number(pid));
  return now !== undefined && now === ticks;
}

/** Removes (force) the containers matching the labels; returns how many were removed. */
export async function removeContainers(labels: Record<string, string>): Promise<number> {
  const docker = (await dockerClient()).container.dockerode;
  const list = await docker.listContainers({ all: true, filters: { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) } });
  const results = await Promise.all(
    list.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .then(() => 1)
        .catch((err: unknown) => {
          if (isGoneError(err)) return 0;
          throw err;
        }),
    ),
  );
  return results.reduce((a: number, b) => a + b, 0);
}

/** Removes sandbox containers left by bootspec processes on this host that no longer run. */
export async function sweepStale(): Promise<number> {
  const docker = (await dockerClient()).container.dockerode;
  const list = await docker.listContainers({ all: true, filters: { label: [`${SANDBOX_LABEL}=1`] } });
  let removed = 0;
  for (const c of list) {
    const owner = c.Labels?.[OWNER_LABEL];
    if (owner !== undefined && ownerAlive(owner)) continue;
    try {
      await docker.getContainer(c.Id).remove({ force: true, v: true });
      removed++;
    } catch (err) {
      if (!isGoneError(err)) throw err;
    }
  }
  return removed;
}

const SIGNAL_STATUS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * Removes the run's containers when the process is interrupted (then exits 128+signal) or exits
 * before `done()` is called. Another handler may end the process first (vitest's exits 1 ms after
 * Ctrl-C): then the exit hook hands the removal to a detached sweeper. Returns `done`, which
 * removes the run's containers and disarms the hooks.
 */
export function installRunCleanup(run: RunIdentity): () => Promise<void> {
  let armed = true;
  let stopping = false;
  const onSignal = (sig: keyof typeof SIGNAL_STATUS) => {
    if (!armed || stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(SIGNAL_STATUS[sig]), 10_000);
    void removeContainers({ [RUN_LABEL]: run.runId })
      .then(() => {
        armed = false;
      })
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        process.exit(SIGNAL_STATUS[sig]);
      });
  };
  const handlers = Object.keys(SIGNAL_STATUS).map((sig) => {
    const h = () => onSignal(sig as keyof typeof SIGNAL_STATUS);
    process.on(sig, h);
    return [sig, h] as const;
  });
  // An exit cannot wait for Docker: a detached sweeper finishes the job after we are gone.
  const onExit = () => {
    if (armed) spawnSweeper(run.runId);
  };
  process.on('exit', onExit);
  return async () => {
    armed = false;
    for (const [sig, h] of handlers) process.off(sig, h);
    process.off('exit', onExit);
    await removeContainers({ [RUN_LABEL]: run.runId });
  };
}

function spawnSweeper(runId: string): void {
  try {
    // From sources through tsx, from the npm package's compiled dist/ as plain JavaScript.
    const script = fileURLToPath(new URL(`./container-sweep${CODE_EXT}`, import.meta.url));
    const child = spawn(process.execPath, [...CHILD_EXEC_ARGV, script, runId], { detached: true, stdio: 'ignore' });
    child.unref();
  } catch {
    // the next start's sweepStale and the lifelines cover it
  }
}
