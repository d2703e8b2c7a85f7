/**
 * The mock side by side with the AWS Runtime Interface Emulator: the whole corpus and a bounded fuzz.
 * Fails on any divergence that harness/fidelity/deliberate.json does not list.
 * The emulator is installed by the project's own script (idempotent; Go module proxy, pinned version).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runFidelity } from '../../harness/fidelity/run.ts';
import { renderTable } from '../../harness/fidelity/table.ts';

const FUZZ_SECONDS = 20;

describe('fidelity: mock vs aws-lambda-rie', () => {
  it('agrees on the corpus and a bounded fuzz, or differs only as listed', async () => {
    execFileSync('bash', ['scripts/bench-install-rie.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const report = await runFidelity({ fuzzSeconds: FUZZ_SECONDS, seed: Math.floor(Date.now() / 86_400_000) });
    const unlisted = report.results.flatMap((r) => r.divergences.filter((d) => !d.consequent && d.explanation.kind === 'unlisted'));
    expect(report.corpus.conversations).toBeGreaterThan(50);
    expect(unlisted, renderTable(report)).toEqual([]);
  }, 900_000);
});
