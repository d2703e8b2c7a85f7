/** runScenario: what a scenario body did, turned into one verdict with a message that says why. */
import { describe, expect, it } from 'vitest';
import { BootspecError, ErrorCodes } from '../../harness/errors.ts';
import type { ScenarioContext } from '../../harness/suite/context.ts';
import { runScenario, type ScenarioBody } from '../../harness/suite/define.ts';
import type { ScenarioMeta } from '../../harness/suite/types.ts';
import { fakeEnvironment, synthetic, target } from './helpers.ts';

const run = (over: Partial<ScenarioMeta>, body: ScenarioBody) => runScenario('results', synthetic('results.synthetic', over, body), target());

describe('runScenario: the body finished', () => {
  it('passes a body that returns, copying what the scenario declares', async () => {
    const r = await run({ level: 'SHOULD', title: 'Echoes', requirement: 'The runtime echoes.' }, async () => {});
    expect(r).toMatchObject({
      id: 'results.synthetic',
      area: 'results',
      level: 'SHOULD',
      title: 'Echoes',
      requirement: 'The runtime echoes.',
      source: 'docs/requirements.md#results.synthetic',
      verdict: 'pass',
      message: 'as required',
    });
    expect(r.evidence).toBeUndefined();
  });

  it('passes with the note the body left', async () => {
    const r = await run({ level: 'INFO' }, async (t) => {
      t.note('answers within 3 ms');
    });
    expect(r).toMatchObject({ verdict: 'pass', message: 'answers within 3 ms' });
  });
});

describe('runScenario: the runtime broke the requirement', () => {
  const broken: ScenarioBody = async (t: ScenarioContext) => {
    t.check(1 + 1 === 3, { message: 'the trace id was not updated', expected: 'Root=1-b', actual: 'Root=1-a' });
  };

  it('fails a MUST, with expected, actual and the (empty) evidence', async () => {
    const r = await run({ level: 'MUST' }, broken);
    expect(r).toMatchObject({ verdict: 'fail', message: 'the trace id was not updated', expected: 'Root=1-b', actual: 'Root=1-a' });
    expect(r.evidence).toEqual({ exchanges: [], logTail: [] });
  });

  it('warns on a SHOULD', async () => {
    const r = await run({ level: 'SHOULD' }, async (t) => t.fail({ message: 'slow to exit' }));
    expect(r).toMatchObject({ verdict: 'warn', message: 'slow to exit' });
    expect(r).not.toHaveProperty('expected');
    expect(r).not.toHaveProperty('actual');
  });

  it('passes an INFO scenario, keeping the finding as its message', async () => {
    const r = await run({ level: 'INFO' }, broken);
    expect(r).toMatchObject({ verdict: 'pass', message: 'the trace id was not updated', expected: 'Root=1-b', actual: 'Root=1-a' });
  });
});

describe('runScenario: bootspec itself failed (error, never held against the runtime)', () => {
  it('gives up on a body that outlives the scenario timeout, and says so', async () => {
    const started = performance.now();
    const r = await run({ timeoutMs: 50 }, () => new Promise<void>(() => {}));
    expect(r.verdict).toBe('error');
    expect(r.message).toBe('the scenario did not finish within 0.05 s; the harness gave up (raise timeoutMs if the runtime is just slow)');
    expect(r.evidence).toEqual({ exchanges: [], logTail: [] });
    // It gave up at the limit, not at the default 60 s.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(r.durationMs).toBeGreaterThanOrEqual(45);
  });

  it('closes the environments a timed-out body opened, and shows their output', async () => {
    const fake = fakeEnvironment(['waiting for a lock']);
    const r = await run({ timeoutMs: 50 }, (t) => {
      t.environments.push(fake.env);
      return new Promise<void>(() => {});
    });
    expect(r.verdict).toBe('error');
    expect(r.evidence?.logTail).toEqual(['stderr | waiting for a lock']);
    expect(fake.closed()).toBe(true);
  });

  it('closes the environments of a body that threw', async () => {
    const fake = fakeEnvironment([]);
    const r = await run({}, async (t) => {
      t.environments.push(fake.env);
      throw new Error('boom');
    });
    expect(r.verdict).toBe('error');
    expect(fake.closed()).toBe(true);
  });

  it('does not time out a body that finishes within the limit', async () => {
    const r = await run({ timeoutMs: 2000 }, () => new Promise<void>((resolve) => setTimeout(resolve, 20)));
    expect(r.verdict).toBe('pass');
  });

  it('reports a plain exception as a harness error with its stack', async () => {
    const r = await run({}, async () => {
      throw new TypeError('cannot read properties of undefined');
    });
    expect(r.verdict).toBe('error');
    expect(r.message).toMatch(/^harness error: TypeError: cannot read properties of undefined\n\s+at /);
  });

  it('reports something thrown that is not an Error', async () => {
    const r = await run({}, async () => {
      throw 'a string';
    });
    expect(r).toMatchObject({ verdict: 'error', message: 'harness error: a string' });
  });

  it('reports a BootspecError with its message, fix and code', async () => {
    const err = new BootspecError(ErrorCodes.USAGE, 'the process driver cannot run commands in a sandbox', { hint: 'declare needsDriver: "container"' });
    const r = await run({}, async () => {
      throw err;
    });
    expect(r.verdict).toBe('error');
    expect(r.message).toBe('the process driver cannot run commands in a sandbox\n  fix: declare needsDriver: "container"\n  (BOOTSPEC_ERR_USAGE)');
  });
});

describe('runScenario: scenarios that do not apply', () => {
  it('marks a feature the runtime does not claim as unsupported, without running the body', async () => {
    let ran = false;
    const r = await run({ feature: 'telemetry-log-fd' }, async () => {
      ran = true;
    });
    expect(r).toMatchObject({ verdict: 'unsupported', message: 'the runtime does not claim the "telemetry-log-fd" feature in runtime.json' });
    expect(ran).toBe(false);
  });

  it('runs a scenario of a feature the runtime claims', async () => {
    let ran = false;
    const r = await run({ feature: 'streaming' }, async () => {
      ran = true;
    });
    expect(r.verdict).toBe('pass');
    expect(ran).toBe(true);
  });

  it('skips a container-only scenario under the process driver, saying which driver it needs', async () => {
    let ran = false;
    const r = await run({ needsDriver: 'container' }, async () => {
      ran = true;
    });
    expect(r.verdict).toBe('skip');
    expect(r.message).toMatch(/^needs --driver container: /);
    expect(ran).toBe(false);
  });

  it('skips a scenario that needs Lambda\'s paths when bubblewrap is not used, naming the fix', async () => {
    let ran = false;
    const r = await run({ needsPathFidelity: true }, async () => {
      ran = true;
    });
    expect(r.verdict).toBe('skip');
    expect(r.message).toContain('apt-get install -y bubblewrap');
    expect(ran).toBe(false);
  });
});

describe('runScenario: a precondition another scenario judges is broken', () => {
  it('is precondition-failed, naming the covering scenario, for a MUST and a SHOULD alike', async () => {
    for (const level of ['MUST', 'SHOULD'] as const) {
      const r = await run({ level }, async (t: ScenarioContext) => {
        t.pre.that(false, { message: 'a new process served the second invocation', expected: 'initId a', actual: 'initId b' }, 'reuse.globals-warm');
        t.check(false, { message: 'never reached: the subject is not judged' });
      });
      expect(r).toMatchObject({
        verdict: 'precondition-failed',
        coveredBy: 'reuse.globals-warm',
        message: 'a new process served the second invocation (judged by reuse.globals-warm)',
        expected: 'initId a',
        actual: 'initId b',
      });
    }
  });

  it('is the scenario\'s own failure when the precondition is its own subject', async () => {
    const r = await run({ level: 'MUST' }, async (t: ScenarioContext) => {
      t.pre.that(false, { message: 'the echo came back changed' }, 'results.synthetic');
    });
    expect(r).toMatchObject({ verdict: 'fail', message: 'the echo came back changed' });
    expect(r).not.toHaveProperty('coveredBy');
  });

  it('reports nothing to judge as unsupported, never as a pass', async () => {
    const r = await run({ level: 'SHOULD' }, async (t: ScenarioContext) => t.nothingToJudge('the runtime sends no X-Ray cause (optional)'));
    expect(r).toMatchObject({ verdict: 'unsupported', message: 'nothing to judge: the runtime sends no X-Ray cause (optional)' });
  });
});

describe('runScenario: a driver that cannot show the behaviour', () => {
  it('skips with the reason, without running the body', async () => {
    let ran = false;
    const r = await runScenario(
      'results',
      synthetic('results.synthetic', { notWithDriver: { driver: 'process', why: 'signals arrive late' } }, async () => {
        ran = true;
      }),
      target(),
    );
    expect(r).toMatchObject({ verdict: 'skip', message: 'not with --driver process: signals arrive late' });
    expect(ran).toBe(false);
  });
});
