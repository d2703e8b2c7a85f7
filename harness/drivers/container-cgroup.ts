/**
 * A container's memory cgroup as the host sees it, when the engine runs on this machine: the peak
 * usage gives the "Max Memory Used" of an out-of-memory kill. Unknown (undefined) elsewhere.
 */
import { readdirSync, readFileSync } from 'node:fs';

const CANDIDATES = (id: string) => [
  `/sys/fs/cgroup/memory/docker/${id}/memory.max_usage_in_bytes`, // v1, cgroupfs driver
  `/sys/fs/cgroup/memory/system.slice/docker-${id}.scope/memory.max_usage_in_bytes`, // v1, systemd driver
  `/sys/fs/cgroup/system.slice/docker-${id}.scope/memory.peak`, // v2, systemd driver
  `/sys/fs/cgroup/docker/${id}/memory.peak`, // v2, cgroupfs driver
];

/** Peak memory use of the container's cgroup in bytes, or undefined when the host cannot see it. */
export function cgroupPeakBytes(containerId: string): number | undefined {
  for (const file of CANDIDATES(containerId)) {
    try {
      const n = Number(readFileSync(file, 'utf8').trim());
      if (Number.isFinite(n)) return n;
    } catch {
      // not this layout
    }
  }
  return undefined;
}

/**
 * Sum of the peak resident memory (VmHWM) of the container's processes run by `uid`, in KiB, read
 * from this host's /proc (as the process driver measures its runtime); 0 when the engine runs
 * elsewhere. The function's user owns no process outside its sandboxes, so few files are read.
 */
export function sandboxPeakKb(containerId: string, uid: number): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  let sum = 0;
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const status = readFileSync(`/proc/${e}/status`, 'latin1');
      if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) !== uid) continue;
      if (!readFileSync(`/proc/${e}/cgroup`, 'latin1').includes(containerId)) continue;
      sum += Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    } catch {
      // exited while we looked
    }
  }
  return sum;
}
