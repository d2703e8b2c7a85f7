/** bootspec nightly: a complete night publishes; a partial night keeps the good data and marks the lane stale. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NightlyStatus } from '../../harness/report/history-types.ts';
import { bootspec, tempDir } from './helpers.ts';

/** A runtime whose build always fails: its lane ends in harness errors, never in data. */
function brokenBuild(root: string): string {
  const dir = join(root, 'broken-build');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'runtime.json'), JSON.stringify({ name: 'broken-build', probe: 1, build: 'echo "cc: no such compiler" >&2; exit 3', function: 'build/function.zip', handler: 'bootstrap' }));
  return dir;
}

const status = (out: string) => JSON.parse(readFileSync(join(out, 'lanes.json'), 'utf8')) as NightlyStatus;

describe('bootspec nightly', () => {
  it('publishes a complete night, then keeps it through a partial one with the failed lane marked stale', async () => {
    const out = tempDir('bootspec-nightly-');
    const first = await bootspec(['nightly', 'runtimes-under-test/node-plain', '--out', out, '--no-bench', '--only', 'results'], 240_000);
    expect(first.code, first.stderr).toBe(0);
    expect(status(out)).toMatchObject({ complete: true, lanes: [{ runtime: 'node-plain', driver: 'process', finished: true }] });
    const nights = readdirSync(join(out, 'history'));
    expect(nights).toHaveLength(1);
    expect(readdirSync(join(out, 'history', nights[0] as string))).toEqual(['results-node-plain-process.json']);
    const published = readFileSync(join(out, 'index.html'), 'utf8');
    expect(published).toContain('node-plain');
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/\| node-plain \| process \| 5 \| 0 \|/);

    const second = await bootspec(['nightly', 'runtimes-under-test/node-plain', brokenBuild(out), '--out', out, '--no-bench', '--only', 'results'], 240_000);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/1 of 2 lane\(s\) did not finish; the published report keeps the last complete night/);
    const night2 = status(out);
    expect(night2.complete).toBe(false);
    expect(night2.lanes.find((l) => l.runtime === 'broken-build')).toMatchObject({ finished: false, reason: expect.stringMatching(/^suite: harness error: .*build/) });
    // The partial night's documents stay in attempts/, never in history/.
    expect(readdirSync(join(out, 'history'))).toEqual(nights);
    const attempts = readdirSync(join(out, 'attempts')).sort();
    expect(attempts).toHaveLength(2);
    expect(existsSync(join(out, 'attempts', attempts[1] as string, 'results-broken-build-process.json'))).toBe(true);
    expect(existsSync(join(out, 'attempts', attempts[1] as string, 'results-broken-build-process.log'))).toBe(true);
    // Same data as before, now with the stale lane said at the top.
    const republished = readFileSync(join(out, 'index.html'), 'utf8');
    expect(republished).toMatch(/Stale lanes:.*broken-build/s);
    expect(republished.match(/data-case="results\.\S+" data-lane="node-plain · process"/g)).toHaveLength(5);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/broken-build \(stale: suite: harness error/);
  }, 480_000);

  it('says what it needs', async () => {
    const r = await bootspec(['nightly', 'runtimes-under-test/node-plain']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out DIR/);
  });
});
