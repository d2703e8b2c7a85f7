/** A runtime package over Lambda's layer limits: one fail with Lambda's error, the rest precondition-failed. */
import { describe, expect, it } from 'vitest';
import { LAMBDA_TOO_MANY_LAYERS, LAMBDA_UNZIPPED_TOO_LARGE } from '../../harness/environment/limits.ts';
import { BootspecError, ErrorCodes } from '../../harness/errors.ts';
import { area } from '../../harness/suite/define.ts';
import { lambdaRefusal, refusedPackageResults, WITHIN_LIMITS_ID } from '../../harness/suite/package-refusal.ts';
import { synthetic } from './helpers.ts';

const catalog = [
  area('layers', 'Layers', [synthetic(WITHIN_LIMITS_ID), synthetic('layers.python-path', { feature: 'python', needsPathFidelity: true })]),
  area('results', 'Results', [synthetic('results.echo'), synthetic('results.other')]),
  area('sandbox', 'Sandbox', [synthetic('sandbox.memory', { needsDriver: 'container' })]),
];
const all = new Set(catalog.flatMap((a) => a.scenarios.map((s) => s.meta.id)));
const tooMany = new BootspecError(ErrorCodes.TOO_MANY_LAYERS, 'runtime.json: "layers" lists 6 layers');

function byId(results: ReturnType<typeof refusedPackageResults>): Map<string, (typeof results)[number]> {
  return new Map(results.map((r) => [r.id, r]));
}

describe('refusedPackageResults', () => {
  it('fails the limits scenario with Lambda\'s error and shows what bootspec found', () => {
    const r = byId(refusedPackageResults(catalog, all, tooMany, { features: [], driver: 'process', pathFidelity: true })).get(WITHIN_LIMITS_ID);
    expect(r?.verdict).toBe('fail');
    expect(r?.message).toContain(LAMBDA_TOO_MANY_LAYERS);
    expect(r?.actual).toBe(tooMany.message);
  });

  it('makes every other judged scenario precondition-failed, naming the limits scenario', () => {
    const rs = byId(refusedPackageResults(catalog, all, tooMany, { features: ['python'], driver: 'process', pathFidelity: true }));
    for (const id of ['results.echo', 'results.other', 'layers.python-path']) {
      expect(rs.get(id)?.verdict, id).toBe('precondition-failed');
      expect(rs.get(id)?.coveredBy, id).toBe(WITHIN_LIMITS_ID);
    }
  });

  it('keeps the gates a run applies: unclaimed features, other drivers, --only', () => {
    const rs = byId(refusedPackageResults(catalog, new Set([WITHIN_LIMITS_ID, 'layers.python-path', 'sandbox.memory']), tooMany, { features: [], driver: 'process', pathFidelity: true }));
    expect(rs.get('layers.python-path')?.verdict).toBe('unsupported');
    expect(rs.get('sandbox.memory')?.verdict).toBe('skip');
    expect(rs.get('results.echo')?.verdict).toBe('skip');
    expect(rs.get('results.echo')?.message).toContain('--only');
  });
});

describe('lambdaRefusal', () => {
  it("gives Lambda's words for the two limits, and nothing for any other error", () => {
    expect(lambdaRefusal(tooMany)).toBe(LAMBDA_TOO_MANY_LAYERS);
    expect(lambdaRefusal(new BootspecError(ErrorCodes.UNZIPPED_SIZE_EXCEEDED, 'too big'))).toBe(LAMBDA_UNZIPPED_TOO_LARGE);
    expect(lambdaRefusal(new BootspecError(ErrorCodes.BUILD_FAILED, 'exit 1'))).toBeUndefined();
    expect(lambdaRefusal(new Error('plain'))).toBeUndefined();
  });
});
