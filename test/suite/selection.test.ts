/** `--only`: which scenarios an id, an area or a dotted prefix selects, and a selection of nothing refused. */
import { describe, expect, it } from 'vitest';
import { splitList } from '../../harness/cli/run.ts';
import { ErrorCodes, isBootspecError } from '../../harness/errors.ts';
import { selectIds } from '../../harness/suite/catalog.ts';
import { type Area, area } from '../../harness/suite/define.ts';
import { synthetic } from './helpers.ts';

// Outside `bootspec run`'s workers area() only returns its data; with BOOTSPEC_SUITE set it would
// register vitest tests of its own here.
if (process.env.BOOTSPEC_SUITE) throw new Error('unset BOOTSPEC_SUITE to run the suite framework tests');

const catalog: Area[] = [
  area('trace', 'X-Ray tracing', [synthetic('trace.per-invoke'), synthetic('trace.env.per-invoke'), synthetic('trace.env.cleared')]),
  area('tracex', 'an area whose name starts with another', [synthetic('tracex.one')]),
  area('init', 'Init', [synthetic('init.error.report'), synthetic('init.error.exit'), synthetic('init.errors'), synthetic('init.budget')]),
];
const ALL = ['trace.per-invoke', 'trace.env.per-invoke', 'trace.env.cleared', 'tracex.one', 'init.error.report', 'init.error.exit', 'init.errors', 'init.budget'];

const select = (...only: string[]) => [...selectIds(catalog, only)];

function refusal(only: string[]): { message: string; hint: string | undefined } {
  try {
    selectIds(catalog, only);
  } catch (err) {
    if (isBootspecError(err, ErrorCodes.USAGE)) return { message: err.message, hint: err.hint };
    throw err;
  }
  throw new Error(`--only ${only.join(' ')} selected something`);
}

describe('selectIds', () => {
  it('selects every scenario, in catalog order, when nothing is named', () => {
    expect(select()).toEqual(ALL);
  });

  it('selects an area by its name, and not an area whose name merely starts with it', () => {
    expect(select('trace')).toEqual(['trace.per-invoke', 'trace.env.per-invoke', 'trace.env.cleared']);
    expect(select('tracex')).toEqual(['tracex.one']);
  });

  it('takes a prefix that ends at a dot, written with or without the dot', () => {
    expect(select('trace.env')).toEqual(['trace.env.per-invoke', 'trace.env.cleared']);
    expect(select('trace.env.')).toEqual(['trace.env.per-invoke', 'trace.env.cleared']);
    expect(select('init.error')).toEqual(['init.error.report', 'init.error.exit']);
  });

  it('selects one scenario by its id, not its siblings that share the id as a prefix', () => {
    expect(select('trace.per-invoke')).toEqual(['trace.per-invoke']);
    expect(select('trace.env.cleared')).toEqual(['trace.env.cleared']);
  });

  it('unites several selections, keeping catalog order and no duplicates', () => {
    expect(select('init.budget', 'trace', 'trace.per-invoke')).toEqual(['trace.per-invoke', 'trace.env.per-invoke', 'trace.env.cleared', 'init.budget']);
  });

  it('never matches a prefix in the middle of a name segment', () => {
    const r = refusal(['init.err']);
    expect(r.message).toBe('--only init.err selects no scenario');
    expect(refusal(['trac']).message).toContain('selects no scenario');
    expect(refusal(['trace.per']).message).toContain('selects no scenario');
  });

  it('refuses a selection of nothing as a usage error whose hint names the areas', () => {
    const r = refusal(['nope', 'no.such.scenario']);
    expect(r.message).toBe('--only nope no.such.scenario selects no scenario');
    expect(r.hint).toBe('use an area (trace, tracex, init) or a scenario id; bootspec list shows them');
  });
});

describe('--only lists on the command line', () => {
  it('splits comma lists and repeated flags, trimming blanks', () => {
    expect(splitList(['trace.per-invoke,init', ' tracex , ', 'init.budget'])).toEqual(['trace.per-invoke', 'init', 'tracex', 'init.budget']);
    expect(splitList(undefined)).toEqual([]);
    expect(splitList([',', ' '])).toEqual([]);
  });

  it('selects the union of a comma list', () => {
    expect([...selectIds(catalog, splitList(['tracex,init.error', 'trace.env.cleared']))]).toEqual([
      'trace.env.cleared',
      'tracex.one',
      'init.error.report',
      'init.error.exit',
    ]);
  });
});

describe('area', () => {
  it('refuses a scenario whose id is outside the area', () => {
    expect(() => area('trace', 'X-Ray tracing', [synthetic('tracex.one')])).toThrow('scenario tracex.one is not in area trace');
  });
});
