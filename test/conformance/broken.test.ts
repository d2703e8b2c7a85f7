import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../harness/suite/catalog.ts';
import { cli } from '../e2e/cli.ts';
import { BROKEN_DIR, conformanceRuntimes, expectationsOf } from './runtimes.ts';

const out = mkdtempSync(join(tmpdir(), 'bootspec-broken-'));
const broken = conformanceRuntimes(BROKEN_DIR);
const README = readFileSync(join(BROKEN_DIR, 'README.md'), 'utf8');
/** The idle gap of longpoll.idle for these runs: longer than next-client-timeout's 3 s, shorter than the default 10 s. */
const IDLE_S = '5';

/**
 * Every scenario can fail, and a defect shows up only where it belongs (one cause, one verdict):
 * each broken runtime declares the complete set of non-pass verdicts it gets, and a full run of the
 * catalog must give exactly that set.
 */
describe('known-bad runtimes: every scenario can fail, and each defect only where it belongs', async () => {
  const catalog = await loadCatalog();
  const levels = new Map(catalog.flatMap((a) => a.scenarios.map((s) => [s.meta.id, s.meta.level] as const)));
  const containerOnly = new Set(catalog.flatMap((a) => a.scenarios.filter((s) => s.meta.needsDriver === 'container').map((s) => s.meta.id)));

  it('every scenario is failed or warned by at least one broken runtime, at its own level', () => {
    const caught = new Set<string>();
    for (const dir of broken) {
      for (const [id, e] of Object.entries(expectationsOf(dir))) {
        expect(levels.has(id), `${basename(dir)} expects an unknown scenario ${id}`).toBe(true);
        if (e.verdict === 'precondition-failed') continue;
        expect(e.verdict, `${basename(dir)}: ${id} is ${levels.get(id)}`).toBe(levels.get(id) === 'MUST' ? 'fail' : 'warn');
        caught.add(id);
      }
    }
    const uncaught = [...levels.keys()].filter((id) => !caught.has(id));
    expect(uncaught, 'scenarios no broken runtime fails: a check that cannot fail is a defect').toEqual([]);
  });

  it('a broken runtime that fails more than one scenario says why in the README', () => {
    for (const dir of broken) {
      const blamed = Object.entries(expectationsOf(dir)).filter(([, e]) => e.verdict === 'fail' || e.verdict === 'warn');
      expect(blamed.length, `${basename(dir)} must name the scenario it fails`).toBeGreaterThan(0);
      if (blamed.length < 2) continue;
      const row = README.split('\n').find((l) => l.startsWith(`| \`${basename(dir)}\` |`));
      const why = row?.split('|')[4]?.trim() ?? '';
      expect(why.length, `${basename(dir)} fails ${blamed.map(([id]) => id).join(', ')}: its README row must say why one defect trips them all`).toBeGreaterThan(20);
    }
  });

  it('the shared base of the broken runtimes, with no defect switched on, passes everything', () => {
    const base = join(BROKEN_DIR, '_base');
    expect(existsSync(join(base, 'bootstrap'))).toBe(true);
    const r = cli(['run', base, '--handler', 'probe.handler', '--quiet', '--no-expectations', '--idle', IDLE_S], 600_000);
    expect(r.code, r.stdout.slice(-4000)).toBe(0);
  }, 600_000);

  describe.sequential('each broken runtime gets exactly the verdicts it declares, in a full run', () => {
    for (const dir of broken) {
      const expected = expectationsOf(dir);
      const ids = Object.keys(expected);
      // A defect that only a Lambda-like container shows (a memory limit, a read-only root, a
      // non-root user) is judged there on its own scenarios: such a runtime cannot start in that
      // sandbox at all, so a full container run would only repeat that one cause (README).
      const inContainer = ids.some((id) => containerOnly.has(id) && expected[id]?.verdict !== 'precondition-failed');
      it(`${basename(dir)}: ${ids.join(', ')}`, () => {
        const json = join(out, `${basename(dir)}.json`);
        const args = inContainer ? ['--only', ids.join(','), '--driver', 'container'] : ['--idle', IDLE_S];
        const r = cli(['run', dir, ...args, '--quiet', '--json', json], 300_000);
        const doc = JSON.parse(readFileSync(json, 'utf8')) as { summary: { error: number }; expectationDiffs: unknown[] };
        expect(doc.expectationDiffs, r.stdout.slice(-3000)).toEqual([]);
        expect(doc.summary.error, r.stdout.slice(-3000)).toBe(0);
        expect(r.code).toBe(0);
      }, 300_000);
    }
  });
});
