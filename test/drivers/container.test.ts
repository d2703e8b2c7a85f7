/**
 * The container driver end to end, through the CLI as a user runs it: Lambda's out-of-memory
 * error, each sandbox scenario seen to fail against a runtime that breaks it,
 * no container left behind after a run, a Ctrl-C or a killed bootspec, and every runtime under
 * test getting its expected verdicts under the container driver, the same as under the process
 * driver on every scenario both drivers run.
 * Needs a Docker engine (bash scripts/setup-docker.sh); skipped, saying so, without one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { basename } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { conformanceRuntimes, RUNTIMES_DIR } from '../conformance/runtimes.ts';
import { BIN, cli, ROOT } from '../e2e/cli.ts';
import { compareRuns } from './compare-drivers.ts';

const docker = (args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
const engine = docker(['info', '--format', '{{.ServerVersion}}']).status === 0;
if (!engine) process.stderr.write('test/drivers/container.test.ts: no Docker engine (bash scripts/setup-docker.sh starts one); skipped\n');

const out = mkdtempSync(join(tmpdir(), 'bootspec-container-test-'));
const FIXTURES = join(ROOT, 'runtimes-under-test/broken');

function sandboxContainers(): string[] {
  return docker(['ps', '-aq', '--filter', 'label=bootspec.sandbox']).stdout.split('\n').filter(Boolean);
}

/** Polls for a condition the engine reaches asynchronously (a container appearing or going). */
async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(200);
  }
}

interface RunDoc {
  summary: { error: number };
  expectationDiffs: unknown[];
  runs: { runtime: { name: string; driver: string }; results: { id: string; verdict: string; message: string }[] }[];
}

function runJson(dir: string, driver: 'process' | 'container', extra: string[] = []): RunDoc {
  const json = join(out, `${basename(dir)}-${driver}-${Date.now()}.json`);
  cli(['run', dir, '--driver', driver, '--quiet', '--json', json, ...extra], 900_000);
  return JSON.parse(readFileSync(json, 'utf8')) as RunDoc;
}

function verdictOf(json: string, id: string): { verdict: string; message: string } {
  const doc = JSON.parse(readFileSync(json, 'utf8')) as { runs: { results: { id: string; verdict: string; message: string }[] }[] };
  const r = doc.runs[0]?.results.find((x) => x.id === id);
  if (!r) throw new Error(`${id} is not in ${json}`);
  return r;
}

describe.skipIf(!engine).sequential('container driver', () => {
  beforeAll(() => {
    // builds (or reuses) the images once, so the timed tests below do not pay for it
    const r = cli(['invoke', 'runtimes-under-test/node-plain', '--driver', 'container', '--event', '{"probe":"echo","value":1}'], 300_000);
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);

  afterEach(async () => {
    await until('no sandbox container left', () => sandboxContainers().length === 0, 15_000);
  });

  it('runs the probe as sbx_user1051 with the process driver\'s environment', () => {
    const r = cli(['invoke', 'runtimes-under-test/node-plain', '--driver', 'container', '--event', '{"probe":"env","names":["LAMBDA_TASK_ROOT","AWS_LAMBDA_FUNCTION_MEMORY_SIZE","HOSTNAME","HOME"]}', '--memory', '256']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ LAMBDA_TASK_ROOT: '/var/task', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256', HOSTNAME: null, HOME: null });
  });

  it('reports a runtime killed at the memory limit as Runtime.OutOfMemory, with the memory figures', () => {
    const r = cli(['invoke', 'runtimes-under-test/node-plain', '--driver', 'container', '--memory', '128', '--timeout', '15', '--logs', '--event', '{"probe":"memory","mb":300}']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ errorType: 'Runtime.OutOfMemory', errorMessage: expect.stringMatching(/^RequestId: \S+ Error: Runtime exited with error: signal: killed$/) });
    expect(r.stderr).toMatch(/REPORT RequestId: .*Memory Size: 128 MB\tMax Memory Used: 12[0-8] MB.*Status: error\tError Type: Runtime\.OutOfMemory/);
  });

  it.each([
    ['sandbox.fs.read-only', `${FIXTURES}/writes-runtime-dir`, 'fail'],
    ['sandbox.user.non-root', `${FIXTURES}/needs-root`, 'fail'],
    ['sandbox.tmp.full', `${FIXTURES}/dies-on-enospc`, 'warn'],
    ['sandbox.memory.within-limit', `${FIXTURES}/heavy-runtime`, 'fail'],
    ['sandbox.memory.out-of-memory', `${FIXTURES}/untouched-memory`, 'fail'],
  ])('%s fails against %s, and is skipped by the process driver', (id, dir, verdict) => {
    const json = join(out, `${id}.json`);
    cli(['run', dir, '--driver', 'container', '--only', id, '--no-expectations', '--quiet', '--json', json], 180_000);
    expect(verdictOf(json, id).verdict, verdictOf(json, id).message).toBe(verdict);
    const pjson = join(out, `${id}.process.json`);
    cli(['run', dir, '--only', id, '--no-expectations', '--quiet', '--json', pjson], 120_000);
    expect(verdictOf(pjson, id)).toMatchObject({ verdict: 'skip', message: expect.stringContaining('--driver container') });
  }, 300_000);

  it('offers _LAMBDA_TELEMETRY_LOG_FD through a named pipe: a runtime that splits its frames fails there as under the process driver', () => {
    const json = join(out, 'log-fd.json');
    cli(['run', `${FIXTURES}/splits-log-frames`, '--driver', 'container', '--only', 'telemetry-log-fd', '--no-expectations', '--quiet', '--json', json], 180_000);
    const v = verdictOf(json, 'telemetry-log-fd.frames');
    expect(v.verdict, v.message).toBe('fail');
    expect(v.message).toMatch(/frame/);
  }, 300_000);

  it('benchmarks a runtime in containers pinned by cpuset, floor included, and removes them', () => {
    const json = join(out, 'bench-container.json');
    const r = cli(
      ['bench', 'runtimes-under-test/null-c', '--driver', 'container', '--phases', 'floor,latency,cold-start,memory', '--payloads', '0',
        '--invokes', '500', '--warmup', '50', '--rounds', '2', '--cold-starts', '2', '--memory-invokes', '500', '--quiet', '--json', json],
      300_000,
    );
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as {
      host: { driver: string; placement: { pinned: boolean; note: string } };
      latency: { samples: number };
      floor: { cMockUs: number };
      coldStart: { p50Ms: number };
      memory: { peakRssMb: number };
    };
    expect(doc.host.driver).toBe('container');
    if (doc.host.placement.pinned) expect(doc.host.placement.note).toContain('containers by cpuset');
    expect(doc.latency.samples).toBeGreaterThan(0);
    expect(doc.floor.cMockUs).toBeGreaterThan(0);
    expect(doc.coldStart.p50Ms).toBeGreaterThan(0);
    expect(doc.memory.peakRssMb).toBeGreaterThan(0);
  }, 300_000);

  it('removes the run\'s containers on Ctrl-C', async () => {
    const child = spawn(process.execPath, [BIN, 'run', 'runtimes-under-test/node-plain', '--driver', 'container', '--only', 'longpoll', '--idle', '30', '--quiet'], { cwd: ROOT, stdio: 'ignore' });
    await until('a sandbox container of the run', () => sandboxContainers().length > 0, 60_000);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c, sig) => resolve(c ?? (sig ? -1 : null))));
    expect(code).toBe(130);
    await until('every container of the interrupted run removed', () => sandboxContainers().length === 0, 15_000);
  }, 120_000);

  it('leaves nothing behind when bootspec itself is killed (SIGKILL)', async () => {
    const child = spawn(process.execPath, [BIN, 'invoke', 'runtimes-under-test/node-plain', '--driver', 'container', '--timeout', '60', '--event', '{"probe":"sleep","ms":50000}'], { cwd: ROOT, stdio: 'ignore' });
    await until('the invocation\'s container', () => sandboxContainers().length > 0, 60_000);
    child.kill('SIGKILL');
    // the lifeline: the container's init loses its stdin with the killed process and the engine removes it
    await until('the container of the killed bootspec removed', () => sandboxContainers().length === 0, 15_000);
  }, 120_000);

  // One runtime at a time, as test/conformance does: timing scenarios must not starve each other.
  describe.sequential('every runtime under test: its expectations, and the process driver\'s verdicts', () => {
    for (const dir of conformanceRuntimes(RUNTIMES_DIR)) {
      it(basename(dir), () => {
        const container = runJson(dir, 'container');
        expect(container.summary.error, JSON.stringify(container.runs[0]?.results.filter((r) => r.verdict === 'error'))).toBe(0);
        expect(container.expectationDiffs).toEqual([]);
        const processRun = runJson(dir, 'process');
        // A difference that does not come back when the scenario runs alone, under both drivers,
        // is a timing scenario starved by a busy machine, not a driver difference.
        const confirmed = compareRuns(processRun.runs, container.runs).differences.filter((d) => {
          const again = compareRuns(runJson(dir, 'process', ['--only', d.id]).runs, runJson(dir, 'container', ['--only', d.id]).runs);
          if (again.differences.length === 0) process.stderr.write(`${basename(dir)} ${d.id}: ${d.a} vs ${d.b} under load only (agree alone)\n`);
          return again.differences.length > 0;
        });
        expect(confirmed).toEqual([]);
      }, 1_800_000);
    }
  });

  afterAll(() => {
    expect(sandboxContainers(), 'containers left after the tests (docker ps -a --filter label=bootspec.sandbox)').toEqual([]);
  });
});
