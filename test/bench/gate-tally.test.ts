/**
 * scripts/gate-tally.mjs: the calibration's verdicts counted over the kept results of several parts
 * (folders and their subfolders, as the calibration workflow downloads them), against the targets.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(path.join(tmpdir(), 'bootspec-gate-tally-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function kept(dir: string, runtime: string, mode: string, run: number, aa: string, plus10: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${runtime}-${mode}-${run}-aa.json`), JSON.stringify({ comparison: { verdict: aa } }));
  writeFileSync(path.join(dir, `${runtime}-${mode}-${run}-plus10.json`), JSON.stringify({ comparison: { verdict: plus10 } }));
}

function tally(...args: string[]) {
  const r = spawnSync(process.execPath, ['scripts/gate-tally.mjs', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('gate-tally', () => {
  it('counts 20 runs kept by two parts together, and holds the quiet target at 19 of 20', () => {
    const dir = path.join(root, 'two-parts');
    for (let i = 1; i <= 20; i++) kept(path.join(dir, i <= 10 ? 'gate-go-quiet-1' : 'gate-go-quiet-11'), 'go', 'quiet', i, 'inconclusive', i === 7 ? 'inconclusive' : 'regressed');
    let r = tally(dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/go quiet: A\/A regressed 0, improved 0, inconclusive 20, unchanged 0 · \+10 % regressed 19, .* \(of 20\) {2}met$/m);
    // a second +10 % run missed: 18 of 20
    kept(path.join(dir, 'gate-go-quiet-11'), 'go', 'quiet', 12, 'inconclusive', 'unchanged');
    r = tally(dir, '--markdown');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\| go \| quiet \| 20 \| .* \| regressed 18, .* \| \*\*not met\*\* \|/);
  });

  it('allows inconclusive beside the hog but no wrong verdict, and says when fewer than 20 runs were made', () => {
    const dir = path.join(root, 'hog');
    kept(dir, 'node-ric', 'hog', 1, 'inconclusive', 'inconclusive');
    kept(dir, 'node-ric', 'hog', 2, 'inconclusive', 'regressed');
    let r = tally(dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/node-ric hog: .* \(of 2\) {2}met in 2 of the 20 runs the target is stated for/);
    kept(dir, 'node-ric', 'hog', 3, 'improved', 'regressed');
    r = tally(dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/node-ric hog: A\/A regressed 0, improved 1, .*NOT MET/);
  });

  it('tallies a whole calibration with --runs/--runtimes/--modes: a short or missing cell is not met, never dropped', () => {
    const dir = path.join(root, 'whole');
    for (let i = 1; i <= 20; i++) kept(dir, 'go', 'quiet', i, 'inconclusive', 'regressed');
    for (let i = 1; i <= 10; i++) kept(dir, 'go', 'hog', i, 'inconclusive', 'regressed');
    const whole = ['--runs', '20', '--runtimes', 'go null-c', '--modes', 'quiet hog'];
    const r = tally(dir, ...whole);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/go quiet: .* \(of 20\) {2}met$/m);
    expect(r.out).toMatch(/go hog: .* \(of 10\) {2}NOT MET \(only 10 of 20 runs kept\)$/m);
    expect(r.out).toMatch(/null-c quiet: .* \(of 0\) {2}NOT MET \(only 0 of 20 runs kept\)$/m);
    expect(r.out).toMatch(/null-c hog: .* \(of 0\) {2}NOT MET/);
    expect(tally(dir, '--markdown', ...whole).out).toMatch(/\| null-c \| hog \| 0 \| .* \| \*\*not met\*\* \(only 0 of 20 runs kept\) \|/);
    // without them, the same folder is a partial tally: the hog cell is met in its 10 runs
    expect(tally(dir).out).toMatch(/go hog: .*met in 10 of the 20 runs/);
    // half of the options, or a bad count, is a usage error
    expect(tally(dir, '--runs', '20').code).toBe(2);
    expect(tally(dir, '--runs', 'x', '--runtimes', 'go', '--modes', 'quiet').code).toBe(2);
    expect(tally(dir, '--bogus').err).toMatch(/Unknown option '--bogus'/);
  });

  it('refuses a run kept twice (two parts with the same GATE_FIRST_RUN) and an empty folder', () => {
    const dir = path.join(root, 'twice');
    kept(path.join(dir, 'a'), 'go', 'quiet', 1, 'inconclusive', 'regressed');
    kept(path.join(dir, 'b'), 'go', 'quiet', 1, 'inconclusive', 'regressed');
    const r = tally(dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/go quiet run 1 \(aa\) is kept twice; give each part its own GATE_FIRST_RUN/);
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    expect(tally(empty).code).toBe(2);
  });
});
