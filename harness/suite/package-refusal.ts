/**
 * A runtime whose own package is over Lambda's layer limits (more than 5 layers, or function and
 * layers over 250 MB unzipped) is refused when its function is configured, before any runtime starts
 * (docs/requirements.md#layers.within-limits). bootspec refuses it the same way, while it reads and
 * assembles the package; a run then judges that refusal as one scenario instead of erroring out.
 */
import { type BootspecError, ErrorCodes, isBootspecError } from '../errors.ts';
import { readManifestFile } from '../environment/manifest.ts';
import { LAMBDA_TOO_MANY_LAYERS, LAMBDA_UNZIPPED_TOO_LARGE, MAX_LAYERS, MAX_UNZIPPED_BYTES } from '../environment/limits.ts';
import { type Area, type GateInput, gate, resultBase } from './define.ts';
import type { ScenarioResult } from './types.ts';

/** The scenario that judges the package's limits; every other scenario relies on it. */
export const WITHIN_LIMITS_ID = 'layers.within-limits';

/** What Lambda allows, as a scenario's `expected` shows it. */
export const WITHIN_LIMITS_EXPECTED = `at most ${MAX_LAYERS} layers, and function + layers at most ${MAX_UNZIPPED_BYTES} bytes unzipped`;

const LAMBDA_WORDS: Partial<Record<string, string>> = {
  [ErrorCodes.TOO_MANY_LAYERS]: LAMBDA_TOO_MANY_LAYERS,
  [ErrorCodes.UNZIPPED_SIZE_EXCEEDED]: LAMBDA_UNZIPPED_TOO_LARGE,
};

/** Lambda's error for a refusal of the runtime's own package, or undefined for any other error. */
export function lambdaRefusal(err: unknown): string | undefined {
  return isBootspecError(err) ? LAMBDA_WORDS[err.code] : undefined;
}

/**
 * The verdicts of a run whose package was refused: the limits scenario fails with Lambda's error,
 * and every other scenario that would have run is precondition-failed, naming it (no runtime could
 * start, so none can judge its own subject). Declared gates (features, drivers) still apply, and
 * scenarios left out by --only are `skip`, as in any run.
 */
export function refusedPackageResults(catalog: Area[], selected: ReadonlySet<string>, err: BootspecError, on: GateInput): ScenarioResult[] {
  const lambda = lambdaRefusal(err) ?? err.message;
  return catalog.flatMap((a) =>
    a.scenarios.map((s): ScenarioResult => {
      const base = { ...resultBase(a.name, s.meta), durationMs: 0 };
      if (!selected.has(s.meta.id)) return { ...base, verdict: 'skip', message: 'not selected (--only)' };
      if (s.meta.id === WITHIN_LIMITS_ID) {
        return { ...base, verdict: 'fail', message: `Lambda refuses this function before any runtime starts: ${lambda}`, expected: WITHIN_LIMITS_EXPECTED, actual: err.message };
      }
      const declared = gate(s.meta, on);
      if (declared) return { ...base, ...declared };
      return {
        ...base,
        verdict: 'precondition-failed',
        coveredBy: WITHIN_LIMITS_ID,
        message: `no runtime starts from a package Lambda refuses (${lambda}) (judged by ${WITHIN_LIMITS_ID})`,
      };
    }),
  );
}

/**
 * The features a runtime.json claims, read without loading it (a refused package never gets a
 * loaded manifest): only for gating the verdicts of a refused run.
 */
export function claimedFeatures(dir: string): string[] {
  try {
    const doc = JSON.parse(readManifestFile(dir)?.text ?? '{}') as { features?: unknown };
    return Array.isArray(doc.features) ? doc.features.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}
