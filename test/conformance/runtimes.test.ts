import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../e2e/cli.ts';
import { conformanceRuntimes, RUNTIMES_DIR } from './runtimes.ts';

const out = mkdtempSync(join(tmpdir(), 'bootspec-conformance-'));

// One at a time: each `bootspec run` already runs scenarios in parallel, and timing-sensitive
// scenarios (init budget, prompt exits) must not be starved by a second run.
describe.sequential('every runtime under test gets exactly its expected verdicts', () => {
  for (const dir of conformanceRuntimes(RUNTIMES_DIR)) {
    it(basename(dir), () => {
      const json = join(out, `${basename(dir)}.json`);
      const r = cli(['run', dir, '--quiet', '--json', json], 600_000);
      const doc = JSON.parse(readFileSync(json, 'utf8')) as { summary: { error: number }; expectationDiffs: unknown[] };
      expect(doc.summary.error, r.stdout.slice(-4000)).toBe(0);
      expect(doc.expectationDiffs, r.stdout.slice(-4000)).toEqual([]);
      expect(r.code, r.stdout.slice(-4000)).toBe(0);
    }, 600_000);
  }
});
