import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';

let cached: string | null | undefined;

/** Path of a working bubblewrap, or null. Checked once: some kernels forbid user namespaces. */
export function findBwrap(): string | null {
  if (cached !== undefined) return cached;
  cached = null;
  for (const candidate of ['/usr/bin/bwrap', '/usr/local/bin/bwrap']) {
    try {
      execFileSync(candidate, ['--ro-bind', '/', '/', '--unshare-pid', '--die-with-parent', 'true'], { stdio: 'ignore', timeout: 5000 });
      cached = candidate;
      break;
    } catch {
      // missing, or not allowed to create namespaces here
    }
  }
  return cached;
}

/** Top-level entries we lay out ourselves instead of binding the host's. */
const OWN_ROOT = new Set(['proc', 'dev', 'tmp', 'opt', 'var', 'sys']);
const OWN_VAR = new Set(['task', 'runtime', 'tmp']);

function bindEntry(hostPath: string, args: string[]): void {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(hostPath);
  } catch {
    return;
  }
  if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(hostPath), hostPath);
  else if (st.isDirectory() || st.isFile()) args.push('--ro-bind', hostPath, hostPath);
}

/**
 * bwrap arguments for a Lambda-like view: the host's files read-only (so toolchains resolve), the
 * function at /var/task and the layers at /opt read-only, a private writable /tmp, cwd /var/task.
 * The new root is a tmpfs built entry by entry, so /var/task need not exist on the host.
 */
export function sandboxArgs(spec: { taskRoot: string; optDir: string; tmpDir: string }): string[] {
  const args = ['--die-with-parent', '--unshare-pid', '--proc', '/proc', '--dev', '/dev', '--ro-bind', '/sys', '/sys'];
  for (const name of readdirSync('/')) if (!OWN_ROOT.has(name)) bindEntry(`/${name}`, args);
  args.push('--dir', '/var');
  for (const name of readdirSync('/var')) if (!OWN_VAR.has(name)) bindEntry(`/var/${name}`, args);
  args.push('--dir', '/var/runtime', '--ro-bind', spec.taskRoot, '/var/task', '--ro-bind', spec.optDir, '/opt');
  args.push('--bind', spec.tmpDir, '/tmp', '--symlink', '/tmp', '/var/tmp');
  args.push('--chdir', '/var/task');
  return args;
}
