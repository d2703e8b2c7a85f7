import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../harness/suite/catalog.ts';
import { cli } from '../e2e/cli.ts';
import { BROKEN_DIR, conformanceRuntimes, expectationsOf } from './runtimes.ts';

const out = mkdtempSync(join(tmpdir(), 'bootspec-broken-'));
const broken = conformanceRuntimes(BROKEN_DIR);

describe('known-bad runtimes prove that every scenario can fail (STYLE.md rule 4)', async () => {
  const catalog = await loadCatalog();
  const levels = new Map(catalog.flatMap((a) => a.scenarios.map((s) => [s.meta.id, s.meta.level] as const)));
  const containerOnly = new Set(catalog.flatMap((a) => a.scenarios.filter((s) => s.meta.needsDriver === 'container').map((s) => s.meta.id)));

  it('every scenario is failed or warned by at least one broken runtime, at its own level', () => {
    const caught = new Set<string>();
    for (const dir of broken) {
      for (const [id, e] of Object.entries(expectationsOf(dir))) {
        expect(levels.has(id), `${basename(dir)} expects an unknown scenario ${id}`).toBe(true);
        expect(e.verdict, `${basename(dir)}: ${id} is ${levels.get(id)}`).toBe(levels.get(id) === 'MUST' ? 'fail' : 'warn');
        caught.add(id);
      }
    }
    const uncaught = [...levels.keys()].filter((id) => !caught.has(id));
    expect(uncaught, 'scenarios no broken runtime fails: a check that cannot fail is a defect').toEqual([]);
  });

  it('the shared base of the broken runtimes, with no defect switched on, passes everything', () => {
    const base = join(BROKEN_DIR, '_base');
    expect(existsSync(join(base, 'bootstrap'))).toBe(true);
    const r = cli(['run', base, '--handler', 'probe.handler', '--quiet', '--no-expectations'], 600_000);
    expect(r.code, r.stdout.slice(-4000)).toBe(0);
  }, 600_000);

  describe.sequential('each broken runtime gets the verdicts it must get', () => {
    for (const dir of broken) {
      const ids = Object.keys(expectationsOf(dir));
      it(`${basename(dir)}: ${ids.join(', ')}`, () => {
        expect(ids.length, 'a broken runtime must name the scenarios it fails').toBeGreaterThan(0);
        const json = join(out, `${basename(dir)}.json`);
        // Scenarios only a container can show are judged under the container driver (Docker).
        const driver = ids.some((id) => containerOnly.has(id)) ? ['--driver', 'container'] : [];
        const r = cli(['run', dir, '--only', ids.join(','), ...driver, '--quiet', '--json', json], 300_000);
        const doc = JSON.parse(readFileSync(json, 'utf8')) as { summary: { error: number }; expectationDiffs: unknown[] };
        expect(doc.expectationDiffs, r.stdout.slice(-3000)).toEqual([]);
        expect(doc.summary.error, r.stdout.slice(-3000)).toBe(0);
        expect(r.code).toBe(0);
      }, 300_000);
    }
  });
});
