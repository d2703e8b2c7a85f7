import { fileURLToPath } from 'node:url';
import type { Reporter, TestCase } from 'vitest/node';
import { startVitest } from 'vitest/node';
import type { RunTarget } from './context.ts';
import { type Area, resultBase } from './define.ts';
import type { ScenarioResult } from './types.ts';
import { CODE_EXT } from '../code-kind.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface SuiteRunOptions {
  selected: Set<string>;
  /** Scenarios run at once per worker; each has its own environment. */
  concurrency?: number;
  onResult?: (r: ScenarioResult) => void;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Runs the selected scenarios against one runtime with vitest as the engine: one test per scenario,
 * files (areas) in parallel workers, scenarios of an area concurrently. Each test leaves its
 * ScenarioResult in the task's meta; unselected scenarios come back as `skip`.
 */
export async function runSuites(areas: Area[], target: RunTarget, opts: SuiteRunOptions): Promise<ScenarioResult[]> {
  const collected = new Map<string, ScenarioResult>();
  const failures = new Map<string, string>();
  const progress: Reporter = {
    onTestCaseResult(tc: TestCase) {
      const r = tc.meta().bootspec;
      if (r) {
        collected.set(r.id, r);
        opts.onResult?.(r);
      } else {
        const errors = tc.result().errors ?? [];
        failures.set(tc.name, errors.map((e) => e.message).join('; ') || `vitest state ${tc.result().state}`);
      }
    },
  };
  // vitest matches the full name, "<area> <id>"
  const pattern = new RegExp(`(?:^| )(?:${[...opts.selected].map(escapeRegex).join("|")})$`);
  const vitest = await startVitest(
    'test',
    [],
    {
      root: ROOT,
      config: false,
      watch: false,
      reporters: [progress],
      testNamePattern: pattern,
      provide: { bootspecTarget: target },
      maxConcurrency: opts.concurrency ?? 4,
    },
    {
      test: {
        include: [`suites/*${CODE_EXT}`],
        pool: 'forks',
        maxWorkers: 2,
        passWithNoTests: true,
        env: { BOOTSPEC_SUITE: '1' },
      },
    },
  );
  await vitest.close();

  const results: ScenarioResult[] = [];
  for (const a of areas) {
    for (const s of a.scenarios) {
      const base = { ...resultBase(a.name, s.meta), durationMs: 0 };
      const r = collected.get(s.meta.id);
      if (r) results.push(r);
      else if (!opts.selected.has(s.meta.id)) results.push({ ...base, verdict: 'skip', message: 'not selected (--only)' });
      else {
        const why = failures.get(s.meta.id) ?? 'the scenario did not run';
        results.push({ ...base, verdict: 'error', message: `harness error: ${why}` });
      }
    }
  }
  return results;
}
