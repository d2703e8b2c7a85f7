/** An expectations file: loading it (every bad entry named), comparing a run with it, rewriting it. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BootspecError, ErrorCodes, isBootspecError } from '../../harness/errors.ts';
import { compareExpectations, type Expectations, loadExpectations, updateExpectations } from '../../harness/suite/expectations.ts';
import { cleanup, tempDir } from '../environment/helpers.ts';
import { result } from './helpers.ts';

const KNOWN = new Set(['trace.per-invoke', 'trace.header', 'init.error.report', 'init.budget', 'streaming.basic', 'sandbox.user']);

let dir: string;
beforeEach(async () => {
  dir = await tempDir('bootspec-expectations-');
});
afterEach(async () => cleanup(dir));

function file(content: unknown, name = 'expectations.json'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The BootspecError loadExpectations throws for this file (EXPECTATIONS_INVALID, or the test fails). */
function refused(path: string): BootspecError {
  let err: unknown;
  try {
    loadExpectations(path, KNOWN);
  } catch (e) {
    err = e;
  }
  if (!isBootspecError(err, ErrorCodes.EXPECTATIONS_INVALID)) throw new Error(`expected ${ErrorCodes.EXPECTATIONS_INVALID}, got ${String(err)}`);
  return err;
}

describe('loadExpectations', () => {
  it('reads each entry, keeps a link, and ignores $schema', () => {
    const path = file({
      $schema: '../../schemas/expectations.v1.schema.json',
      'trace.per-invoke': { verdict: 'fail', reason: 'sets _X_AMZN_TRACE_ID once at init', link: 'https://example.org/issue/1' },
      'init.budget': { verdict: 'warn', reason: 'init takes 12 s' },
      'streaming.basic': { verdict: 'unsupported', reason: 'no streaming', link: 42 },
      'trace.header': { verdict: 'pass', reason: 'listed anyway' },
    });
    expect(loadExpectations(path, KNOWN)).toEqual({
      'trace.per-invoke': { verdict: 'fail', reason: 'sets _X_AMZN_TRACE_ID once at init', link: 'https://example.org/issue/1' },
      'init.budget': { verdict: 'warn', reason: 'init takes 12 s' },
      'streaming.basic': { verdict: 'unsupported', reason: 'no streaming' },
      'trace.header': { verdict: 'pass', reason: 'listed anyway' },
    });
  });

  it('says how to create a file that does not exist', () => {
    const err = refused(join(dir, 'missing.json'));
    expect(err.message).toContain('missing.json does not exist');
    expect(err.hint).toContain('--update-expectations');
  });

  it('refuses a file that is not JSON, naming it', () => {
    const path = file('{"trace.per-invoke": {"verdict": "fail",');
    const err = refused(path);
    expect(err.message).toContain(`${path} is not valid JSON`);
  });

  it.each([
    ['an array', []],
    ['a string', 'fail'],
    ['null', null],
  ])('refuses %s instead of an object', (_what, content) => {
    const err = refused(file(JSON.stringify(content)));
    expect(err.message).toContain('must be a JSON object of scenario id');
  });

  it('refuses an id that is not a scenario, and says where the ids are', () => {
    const err = refused(file({ 'trace.per-invoke': { verdict: 'fail', reason: 'r' }, 'trace.per-invok': { verdict: 'fail', reason: 'r' } }));
    expect(err.message).toContain('"trace.per-invok" is not a scenario id');
    expect(err.hint).toContain('bootspec list');
  });

  it.each([
    ['skip (never an expectation)', { verdict: 'skip', reason: 'r' }],
    ['error (never an expectation)', { verdict: 'error', reason: 'r' }],
    ['a made-up verdict', { verdict: 'failed', reason: 'r' }],
    ['no verdict', { reason: 'r' }],
    ['no reason', { verdict: 'fail' }],
    ['a blank reason', { verdict: 'fail', reason: '  ' }],
    ['a reason that is not a string', { verdict: 'fail', reason: 7 }],
    ['a bare verdict string', 'fail'],
    ['null', null],
  ])('refuses an entry with %s, naming the id and the shape', (_what, entry) => {
    const err = refused(file({ 'init.budget': { verdict: 'warn', reason: 'fine' }, 'trace.header': entry }));
    expect(err.message).toContain('"trace.header" needs {"verdict": "pass"|"fail"|"warn"|');
    expect(err.message).toContain('"reason": "<why, with evidence>"}');
  });
});

describe('compareExpectations', () => {
  it('expects an unlisted scenario to pass, or to be unsupported', () => {
    const diffs = compareExpectations(
      [result('trace.per-invoke', 'pass'), result('streaming.basic', 'unsupported'), result('trace.header', 'fail'), result('init.budget', 'warn')],
      {},
    );
    expect(diffs).toEqual([
      { id: 'trace.header', expected: 'pass', actual: 'fail', reason: undefined },
      { id: 'init.budget', expected: 'pass', actual: 'warn', reason: undefined },
    ]);
  });

  it('matches listed verdicts, and reports a changed one with its reason', () => {
    const exp: Expectations = {
      'trace.per-invoke': { verdict: 'fail', reason: 'known trace bug' },
      'init.budget': { verdict: 'warn', reason: 'slow init' },
      'streaming.basic': { verdict: 'unsupported', reason: 'no streaming' },
      'trace.header': { verdict: 'fail', reason: 'header bug' },
    };
    const diffs = compareExpectations(
      [result('trace.per-invoke', 'fail'), result('init.budget', 'warn'), result('streaming.basic', 'pass'), result('trace.header', 'warn')],
      exp,
    );
    expect(diffs).toEqual([
      { id: 'streaming.basic', expected: 'unsupported', actual: 'pass', reason: 'no streaming' },
      { id: 'trace.header', expected: 'fail', actual: 'warn', reason: 'header bug' },
    ]);
  });

  it('reports an unexpected pass: a fixed defect must leave the file', () => {
    const diffs = compareExpectations([result('trace.per-invoke', 'pass')], { 'trace.per-invoke': { verdict: 'fail', reason: 'known trace bug' } });
    expect(diffs).toEqual([{ id: 'trace.per-invoke', expected: 'fail', actual: 'pass', reason: 'known trace bug' }]);
  });

  it('reports a scenario that became unsupported while expected to pass', () => {
    const diffs = compareExpectations([result('streaming.basic', 'unsupported')], { 'streaming.basic': { verdict: 'pass', reason: 'claims streaming' } });
    expect(diffs).toEqual([{ id: 'streaming.basic', expected: 'pass', actual: 'unsupported', reason: 'claims streaming' }]);
  });

  it('leaves skip and error out, listed or not (an error fails the run on its own)', () => {
    const exp: Expectations = { 'trace.per-invoke': { verdict: 'fail', reason: 'r' }, 'init.budget': { verdict: 'warn', reason: 'r' } };
    const diffs = compareExpectations(
      [result('trace.per-invoke', 'skip'), result('init.budget', 'error'), result('trace.header', 'skip'), result('sandbox.user', 'error')],
      exp,
    );
    expect(diffs).toEqual([]);
  });
});

describe('precondition-failed in expectations', () => {
  it('loads, compares and rewrites a precondition-failed entry like fail and warn', () => {
    const path = file({ 'trace.header': { verdict: 'precondition-failed', reason: 'judged by trace.per-invoke' } });
    const exp = loadExpectations(path, KNOWN);
    expect(exp['trace.header']?.verdict).toBe('precondition-failed');
    expect(compareExpectations([result('trace.header', 'precondition-failed')], exp)).toEqual([]);
    // Judged after all: the covering defect was fixed, so the entry must go.
    expect(compareExpectations([result('trace.header', 'pass')], exp)).toEqual([{ id: 'trace.header', expected: 'precondition-failed', actual: 'pass', reason: 'judged by trace.per-invoke' }]);
    // Unlisted, it is a difference: a defect elsewhere appeared.
    expect(compareExpectations([result('trace.per-invoke', 'precondition-failed')], {})).toEqual([{ id: 'trace.per-invoke', expected: 'pass', actual: 'precondition-failed', reason: undefined }]);
    updateExpectations(path, [result('trace.header', 'precondition-failed'), result('init.budget', 'precondition-failed')], exp);
    const rewritten = JSON.parse(readFileSync(path, 'utf8')) as Expectations;
    expect(rewritten['trace.header']?.reason).toBe('judged by trace.per-invoke');
    expect(rewritten['init.budget']?.verdict).toBe('precondition-failed');
  });
});

describe('updateExpectations', () => {
  const old: Expectations = {
    'trace.per-invoke': { verdict: 'fail', reason: 'sets the trace id once', link: 'https://example.org/1' },
    'trace.header': { verdict: 'warn', reason: 'was a warning' },
    'init.error.report': { verdict: 'fail', reason: 'fixed since' },
    'init.budget': { verdict: 'warn', reason: 'slow init, judged by another driver' },
    'sandbox.user': { verdict: 'fail', reason: 'runs as root' },
  };
  const run = [
    result('trace.per-invoke', 'fail', 'still failing'),
    result('trace.header', 'fail', 'the header is missing'),
    result('init.error.report', 'pass'),
    result('init.budget', 'skip', 'not selected (--only)'),
    result('sandbox.user', 'error', 'harness error: no engine'),
    result('streaming.basic', 'warn', 'the stream ended early'),
  ];

  it('keeps the reasons of unchanged entries, and writes a TODO with bootspec\'s words for new or changed ones', () => {
    const path = join(dir, 'out.json');
    const n = updateExpectations(path, run, old);
    const written = JSON.parse(readFileSync(path, 'utf8')) as Expectations;
    expect(written['trace.per-invoke']).toEqual({ verdict: 'fail', reason: 'sets the trace id once', link: 'https://example.org/1' });
    expect(written['trace.header']).toEqual({ verdict: 'fail', reason: 'TODO: explain with evidence. bootspec said: the header is missing' });
    expect(written['streaming.basic']).toEqual({ verdict: 'warn', reason: 'TODO: explain with evidence. bootspec said: the stream ended early' });
    expect(n).toBe(Object.keys(written).length);
  });

  it('drops passes, and keeps the entries of scenarios that were skipped or errored in this run', () => {
    const path = join(dir, 'out.json');
    updateExpectations(path, run, old);
    const written = JSON.parse(readFileSync(path, 'utf8')) as Expectations;
    expect(Object.keys(written).sort()).toEqual(['init.budget', 'sandbox.user', 'streaming.basic', 'trace.header', 'trace.per-invoke']);
    expect(written['init.budget']).toEqual(old['init.budget']);
    expect(written['sandbox.user']).toEqual(old['sandbox.user']);
  });

  it('writes nothing for skip, error, pass or unsupported without an old entry', () => {
    const path = join(dir, 'out.json');
    const n = updateExpectations(path, [result('trace.header', 'skip'), result('init.budget', 'error'), result('trace.per-invoke', 'pass'), result('streaming.basic', 'unsupported')], {});
    expect(n).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('{}\n');
  });

  it('writes a file that loadExpectations accepts, TODOs included', () => {
    const path = join(dir, 'out.json');
    updateExpectations(path, run, old);
    const verdicts = Object.fromEntries(Object.entries(loadExpectations(path, KNOWN)).map(([id, e]) => [id, e.verdict]));
    expect(verdicts).toEqual({ 'trace.per-invoke': 'fail', 'trace.header': 'fail', 'init.budget': 'warn', 'sandbox.user': 'fail', 'streaming.basic': 'warn' });
  });
});
