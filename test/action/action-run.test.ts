/**
 * The GitHub Action's script (scripts/action-run.sh) run locally with GitHub's environment faked:
 * GitHub cannot be reached here, so the job summary, the outputs file and the runner's temp folder
 * are plain files, and bootspec is this checkout's CLI (BOOTSPEC_CMD) instead of an installed package.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'bootspec-action-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function action(name: string, inputs: Record<string, string>) {
  const temp = join(work, name);
  const summary = join(work, `${name}-summary.md`);
  const output = join(work, `${name}-output.txt`);
  writeFileSync(summary, '');
  writeFileSync(output, '');
  const r = spawnSync('bash', [join(REPO, 'scripts/action-run.sh')], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      ...inputs,
      RUNNER_TEMP: temp,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      GITHUB_ACTION_PATH: REPO,
      BOOTSPEC_CMD: `${process.execPath} ${join(REPO, 'bin/bootspec.js')}`,
    },
  });
  return { ...r, temp, summary: readFileSync(summary, 'utf8'), outputs: readFileSync(output, 'utf8'), report: join(temp, 'bootspec-report') };
}

describe('scripts/action-run.sh', () => {
  it('runs bootspec, writes the job summary, the outputs and the reports, and passes when verdicts are as expected', () => {
    const r = action('ok', { INPUT_RUNTIME: 'runtimes-under-test/node-plain', INPUT_ONLY: 'startup', INPUT_BUILD_COMMAND: 'touch "$RUNNER_TEMP/built"' });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(existsSync(join(r.temp, 'built'))).toBe(true);
    expect(r.summary).toMatch(/^## bootspec/m);
    expect(r.outputs).toContain('exit-code=0');
    expect(r.outputs).toContain(`results=${join(r.report, 'results.json')}`);
    for (const f of ['results.json', 'junit.xml', 'html/index.html', 'summary.md']) expect(existsSync(join(r.report, f)), f).toBe(true);
  });

  it('fails on an unexpected verdict (here an unexpected pass) and says so as an error annotation', () => {
    const expectations = join(work, 'expects-a-fail.json');
    writeFileSync(expectations, JSON.stringify({ 'startup.api-prefix': { verdict: 'fail', reason: 'made up for the test' } }));
    const r = action('unexpected', { INPUT_RUNTIME: 'runtimes-under-test/node-plain', INPUT_ONLY: 'startup', INPUT_EXPECTATIONS: expectations });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(1);
    expect(r.stdout).toContain('::error title=bootspec::unexpected verdicts');
    expect(r.outputs).toContain('exit-code=1');
    expect(r.summary).toMatch(/^## bootspec/m);
    expect(existsSync(join(r.report, 'junit.xml'))).toBe(true);
  });

  it('refuses a missing runtime folder with a message that names it', () => {
    const r = action('missing', { INPUT_RUNTIME: 'no/such/runtime' });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("runtime folder 'no/such/runtime' does not exist");
  });
});
