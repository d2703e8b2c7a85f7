/** Synthetic scenarios, results and run targets for the suite framework's own tests: no runtime starts. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionEnvironment } from '../../harness/invoke/execution-environment.ts';
import type { LogLine } from '../../harness/invoke/types.ts';
import type { RunTarget } from '../../harness/suite/context.ts';
import { type ScenarioBody, scenario, type Scenario } from '../../harness/suite/define.ts';
import type { Level, ScenarioMeta, ScenarioResult, Verdict } from '../../harness/suite/types.ts';

export function meta(id: string, over: Partial<ScenarioMeta> = {}): ScenarioMeta {
  return { id, level: 'MUST', title: `title of ${id}`, requirement: `requirement of ${id}`, ...over };
}

/** A scenario whose body passes unless given one. */
export function synthetic(id: string, over: Partial<ScenarioMeta> = {}, body: ScenarioBody = async () => {}): Scenario {
  return scenario(meta(id, over), body);
}

export function result(id: string, verdict: Verdict, message = `${verdict} because of ${id}`, level: Level = 'MUST'): ScenarioResult {
  return { id, area: id.split('.')[0] as string, level, verdict, title: `title of ${id}`, requirement: 'r', source: 's', message, durationMs: 1 };
}

/**
 * A run target for bodies that never start a runtime: the files point at a folder nothing reads.
 * `noSandbox` keeps the process driver from looking for bubblewrap, so path fidelity is known (false).
 */
export function target(over: Partial<RunTarget> = {}): RunTarget {
  const dir = join(tmpdir(), 'bootspec-suite-no-runtime');
  return {
    manifest: {
      name: 'synthetic',
      description: '',
      probe: 1,
      dir,
      build: undefined,
      function: join(dir, 'task'),
      layers: [],
      handler: 'probe.handler',
      env: {},
      features: ['streaming'],
      expectations: undefined,
      bare: false,
      conformance: true,
    },
    files: {
      taskRoot: join(dir, 'task'),
      optDir: join(dir, 'opt'),
      bootstrap: '/var/task/bootstrap',
      bootstrapHostPath: join(dir, 'task', 'bootstrap'),
      unzippedBytes: 0,
    },
    workDir: join(dir, 'work'),
    driver: 'process',
    noSandbox: true,
    idleMs: 0,
    thorough: false,
    ...over,
  };
}

/**
 * Stands in for an execution environment a body opened: its runtime output and whether the
 * scenario closed it. runScenario only reads `logs` and calls `close()`.
 */
export function fakeEnvironment(lines: string[]): { env: ExecutionEnvironment; closed: () => boolean } {
  let closed = false;
  const logs: LogLine[] = lines.map((text, i) => ({ at: i, stream: 'stderr', text, requestId: undefined, generation: 0 }));
  const env = {
    logs,
    close: async () => {
      closed = true;
    },
  };
  return { env: env as unknown as ExecutionEnvironment, closed: () => closed };
}
