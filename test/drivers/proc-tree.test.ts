import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processTree, TreePeak } from '../../harness/drivers/proc-tree.ts';

async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('process tree', () => {
  it('finds children and grandchildren, and a peak that grows with a child', async () => {
    // bash → (subshell → sleep), bash → python holding 64 MB
    const root = spawn('bash', ['-c', '(sleep 30 & wait) & python3 -c "import time; b = bytearray(64 << 20); time.sleep(30)" & wait'], { detached: true });
    const pid = root.pid as number;
    try {
      const peak = new TreePeak(pid, 0);
      await until(() => processTree(pid).length >= 4, 'four processes in the tree');
      expect(processTree(pid)[0]).toBe(pid);
      await until(() => peak.sampleKb() > 64 * 1024, 'the 64 MB child in the peak');
      expect(peak.sampleKb()).toBeGreaterThan(64 * 1024);
      peak.close();
    } finally {
      process.kill(-pid, 'SIGKILL');
      root.kill('SIGKILL');
    }
  });
});
