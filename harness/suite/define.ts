import { describe, inject, test } from 'vitest';
import { isBootspecError } from '../errors.ts';
import { NothingToJudge, PreconditionFailure, type RunTarget, ScenarioContext, ScenarioFailure } from './context.ts';
import type { ScenarioMeta, ScenarioResult, Verdict } from './types.ts';

declare module 'vitest' {
  interface ProvidedContext {
    bootspecTarget: RunTarget;
  }
  interface TaskMeta {
    bootspec?: ScenarioResult;
  }
}

export type ScenarioBody = (t: ScenarioContext) => Promise<void>;

export interface Scenario {
  meta: ScenarioMeta;
  body: ScenarioBody;
}

export interface Area {
  name: string;
  title: string;
  scenarios: Scenario[];
}

export const DEFAULT_SCENARIO_TIMEOUT_MS = 60_000;

export function scenario(meta: ScenarioMeta, body: ScenarioBody): Scenario {
  return { meta, body };
}

/**
 * Declares an area of the contract. Imported by vitest (`bootspec run`), it registers one concurrent
 * test per scenario; imported elsewhere (listing, selection) it only returns the data.
 */
export function area(name: string, title: string, scenarios: Scenario[]): Area {
  for (const s of scenarios) {
    if (!s.meta.id.startsWith(`${name}.`)) throw new Error(`scenario ${s.meta.id} is not in area ${name}`);
  }
  const a = { name, title, scenarios };
  // Only in the workers of `bootspec run` (runner.ts sets BOOTSPEC_SUITE); VITEST alone may be inherited.
  if (process.env.BOOTSPEC_SUITE === '1' && process.env.VITEST) registerArea(a);
  return a;
}

function registerArea(a: Area): void {
  describe.concurrent(a.name, () => {
    for (const s of a.scenarios) {
      test(
        s.meta.id,
        async ({ task }) => {
          task.meta.bootspec = await runScenario(a.name, s, inject('bootspecTarget'));
        },
        (s.meta.timeoutMs ?? DEFAULT_SCENARIO_TIMEOUT_MS) + 15_000,
      );
    }
  });
}

/** Where a scenario's requirement and its public sources are written down: the project's own contract. */
export function requirementSource(id: string): string {
  return `docs/requirements.md#${id}`;
}

/** The fields of a result that come from the scenario's declaration. */
export function resultBase(areaName: string, meta: ScenarioMeta): Pick<ScenarioResult, 'id' | 'area' | 'level' | 'title' | 'requirement' | 'source'> {
  return { id: meta.id, area: areaName, level: meta.level, title: meta.title, requirement: meta.requirement, source: requirementSource(meta.id) };
}

/** What a run offers that a scenario's declaration may need: claimed features, the driver, Lambda's real paths. */
export interface GateInput {
  features: readonly string[];
  driver: 'process' | 'container';
  /** Leave it out to skip the check (before a driver is at hand). */
  pathFidelity?: boolean;
}

/**
 * The verdict a scenario gets from its declaration alone, before any runtime starts: `unsupported`
 * for a feature the runtime does not claim, `skip` for what the driver cannot show; undefined when
 * the scenario is to be judged.
 */
export function gate(meta: ScenarioMeta, on: GateInput): { verdict: 'unsupported' | 'skip'; message: string } | undefined {
  if (meta.feature && !on.features.includes(meta.feature)) {
    return { verdict: 'unsupported', message: `the runtime does not claim the "${meta.feature}" feature in runtime.json` };
  }
  if (meta.alsoFeature && !on.features.includes(meta.alsoFeature)) {
    return { verdict: 'unsupported', message: `the runtime does not claim the "${meta.alsoFeature}" feature in runtime.json` };
  }
  if (meta.notWithDriver && on.driver === meta.notWithDriver.driver) {
    return { verdict: 'skip', message: `not with --driver ${on.driver}: ${meta.notWithDriver.why}` };
  }
  if (meta.needsDriver && on.driver !== meta.needsDriver) {
    return {
      verdict: 'skip',
      message: `needs --driver ${meta.needsDriver}: only a Lambda-like container has a memory limit, a /tmp of fixed size, a read-only root and a non-root user`,
    };
  }
  if (meta.needsPathFidelity && on.pathFidelity === false) {
    return { verdict: 'skip', message: 'needs /var/task, /opt and /tmp at their real paths: bubblewrap is missing (apt-get install -y bubblewrap)' };
  }
  return undefined;
}

/** Runs one scenario and turns what happened into a verdict (docs/probe-contract.md, results). */
export async function runScenario(areaName: string, s: Scenario, target: RunTarget): Promise<ScenarioResult> {
  const { meta } = s;
  const t0 = performance.now();
  const base = resultBase(areaName, meta);
  const done = (verdict: Verdict, message: string, extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
    ...base,
    verdict,
    message,
    ...extra,
    durationMs: Math.round(performance.now() - t0),
  });

  const declared = gate(meta, { features: target.manifest.features, driver: target.driver });
  if (declared) return done(declared.verdict, declared.message);
  const t = new ScenarioContext(target, meta);
  const paths = gate(meta, { features: target.manifest.features, driver: target.driver, pathFidelity: t.pathFidelity });
  if (paths) return done(paths.verdict, paths.message);
  const limit = meta.timeoutMs ?? DEFAULT_SCENARIO_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      s.body(t),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ScenarioTimeout(limit)), limit);
      }),
    ]);
    return done('pass', t.noteText ?? 'as required');
  } catch (err) {
    if (err instanceof ScenarioFailure) {
      const verdict: Verdict = meta.level === 'MUST' ? 'fail' : meta.level === 'SHOULD' ? 'warn' : 'pass';
      return done(verdict, err.detail.message, {
        ...(err.detail.expected === undefined ? {} : { expected: err.detail.expected }),
        ...(err.detail.actual === undefined ? {} : { actual: err.detail.actual }),
        evidence: t.evidence(err.detail),
      });
    }
    if (err instanceof NothingToJudge) return done('unsupported', `nothing to judge: ${err.message}`, { evidence: t.evidence() });
    if (err instanceof PreconditionFailure) {
      return done('precondition-failed', err.detail.message, {
        coveredBy: err.coveredBy,
        ...(err.detail.expected === undefined ? {} : { expected: err.detail.expected }),
        ...(err.detail.actual === undefined ? {} : { actual: err.detail.actual }),
        evidence: t.evidence(err.detail),
      });
    }
    if (err instanceof ScenarioTimeout) {
      return done('error', `${err.message}; the harness gave up (raise timeoutMs if the runtime is just slow)`, { evidence: t.evidence() });
    }
    const message = isBootspecError(err) ? err.describe() : `harness error: ${(err as Error)?.stack ?? String(err)}`;
    return done('error', message, { evidence: t.evidence() });
  } finally {
    clearTimeout(timer);
    await t.close();
  }
}

class ScenarioTimeout extends Error {
  constructor(ms: number) {
    super(`the scenario did not finish within ${ms / 1000} s`);
  }
}
