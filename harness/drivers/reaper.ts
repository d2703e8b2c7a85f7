/**
 * No runtime process may outlive bootspec: every started process group is tracked here and killed
 * when bootspec exits, normally or by Ctrl-C / SIGTERM. (A SIGKILL of bootspec itself cannot be
 * caught; under bubblewrap --die-with-parent covers that case.)
 */
const groups = new Set<number>();
let installed = false;
/** Set by a command that stops gracefully on a signal itself (serve: a shutdown phase per environment). */
let deferred = false;
let signalled = false;

function killAll(): void {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  groups.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      // The first signal is the owner's to handle (it exits when done; 'exit' still kills what is
      // left); a second one does not wait.
      if (deferred && !signalled) {
        signalled = true;
        return;
      }
      killAll();
      // the conventional exit status for death by that signal
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** Tracks a process group; returns the function that stops tracking it (call it once it exited). */
export function trackChild(pgid: number): () => void {
  install();
  groups.add(pgid);
  return () => groups.delete(pgid);
}

/** The process stops gracefully on SIGINT / SIGTERM itself: the first such signal does not exit at once. */
export function deferExitOnSignal(): void {
  deferred = true;
}

export function killAllTracked(): void {
  killAll();
}
