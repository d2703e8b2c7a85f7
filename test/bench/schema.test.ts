import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaProblems } from '../../harness/bench/result-file.ts';
import { BENCH_SCHEMA_ID } from '../../harness/bench/types.ts';
import { result } from './result-fixture.ts';

describe('schemas/bench.v1.schema.json', () => {
  it('accepts a result with every field the issue asks for', () => {
    expect(schemaProblems(result())).toEqual([]);
  });

  it('rejects a result missing a headline figure, naming it', () => {
    const r = result() as unknown as Record<string, unknown>;
    delete r.mockOverheadUs;
    expect(schemaProblems(r).join('\n')).toMatch(/mockOverheadUs/);
  });

  it('is versioned: its $id and the result’s schemaVersion agree', () => {
    const schema = JSON.parse(readFileSync(new URL('../../schemas/bench.v1.schema.json', import.meta.url), 'utf8')) as { $id: string };
    expect(schema.$id).toBe(BENCH_SCHEMA_ID);
    expect(schemaProblems({ ...result(), schemaVersion: 2 })).not.toEqual([]);
  });

  it('a result compared with itself has ratios of exactly 1, and 2 unpaired blocks are too few to call it unchanged', () => {
    const c = result().comparison;
    expect(c?.verdict).toBe('inconclusive');
    expect(c?.noise?.noise).toBeGreaterThan(0.05);
    expect(c?.figures.length).toBeGreaterThan(0);
    for (const f of c?.figures ?? []) expect(f.ratio, f.figure).toBe(1);
  });
});
