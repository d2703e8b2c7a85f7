import { readdirSync, readFileSync } from 'node:fs';

/** Host pids of `root` and all its descendants, from /proc (Linux). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [root];
  }
  for (const e of entries) {
    const pid = Number(e);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      // the command name may hold spaces and parens: the fields after the last ')' are fixed
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid);
      if (list) list.push(pid);
      else children.set(ppid, [pid]);
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop() as number;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of the tree now, in KiB. The sandbox helpers (bwrap) are a few hundred KiB of it. */
export function treeRssKb(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + statusField(pid, 'VmRSS'), 0);
}

/** Sum of each live process's own peak (VmHWM), in KiB: an upper bound of the tree's peak. */
export function treePeakKb(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + statusField(pid, 'VmHWM'), 0);
}
