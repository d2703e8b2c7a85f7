import { readFileSync } from 'node:fs';
import { adoptDriver, type DriverTarget, forgetDriver, openDriver } from '../drivers/open.ts';
import type { ContainerTarget } from '../drivers/container-types.ts';
import type { Driver } from '../drivers/types.ts';
import { checkFunctionConfig, defaultFunctionConfig } from '../environment/env.ts';
import { prepareRuntime, type PreparedRuntime } from '../environment/prepare.ts';
import type { FunctionConfig } from '../environment/types.ts';
import { BootspecError, ErrorCodes, isBootspecError } from '../errors.ts';
import type { InvocationRecord } from '../invoke/types.ts';

export function usage(message: string, hint?: string): BootspecError {
  return new BootspecError(ErrorCodes.USAGE, message, hint === undefined ? {} : { hint });
}

/** A whole number flag within a range, or a usage error naming the flag. */
export function intFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw usage(`--${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

/** A number flag (fractions allowed) within a range. */
export function numberFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw usage(`--${name} must be a number from ${min} to ${max}, got "${value}"`);
  return n;
}

/** `--env K=V` pairs for harness-controlled variables (e.g. PROBE_INIT=fail). */
export function envPairs(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const i = v.indexOf('=');
    if (i < 1) throw usage(`--env takes NAME=value, got "${v}"`);
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}

export function functionConfig(p: PreparedRuntime, flags: { timeout?: string | undefined; memory?: string | undefined; 'snap-start'?: boolean | undefined; 'max-concurrency'?: string | undefined }): FunctionConfig {
  const timeoutS = numberFlag('timeout', flags.timeout, 1, 900);
  const memoryMb = intFlag('memory', flags.memory, 128, 10240);
  // Lambda Managed Instances: several invocations at once in one environment (harness/environment/managed.ts).
  const maxConcurrency = intFlag('max-concurrency', flags['max-concurrency'], 1, 1024);
  const config = defaultFunctionConfig(p.manifest, {
    ...(timeoutS === undefined ? {} : { timeoutS }),
    ...(memoryMb === undefined ? {} : { memoryMb }),
    ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
    ...(flags['snap-start'] === true ? { initializationType: 'snap-start' as const } : {}),
  });
  checkFunctionConfig(config);
  return config;
}

/** Flags of the commands that start a function (invoke, serve): its configuration and the driver. */
export const FUNCTION_FLAGS = {
  timeout: { type: 'string' },
  memory: { type: 'string' },
  handler: { type: 'string' },
  env: { type: 'string', multiple: true },
  driver: { type: 'string' },
  'base-image': { type: 'string' },
  'ephemeral-storage': { type: 'string' },
  cpu: { type: 'string' },
  'no-sandbox': { type: 'boolean', default: false },
  'snap-start': { type: 'boolean', default: false },
  'max-concurrency': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * A runtime folder made ready for one driver: built, laid out, its function configured from the
 * flags; returns what every ExecutionEnvironment of it shares.
 */
export async function prepareFunction(
  dir: string | undefined,
  driver: Driver,
  values: { handler?: string | undefined; timeout?: string | undefined; memory?: string | undefined; env?: string[] | undefined; 'snap-start'?: boolean | undefined; 'max-concurrency'?: string | undefined },
) {
  const extraEnv = envPairs(values.env);
  const prepared = await prepare(dir, values.handler);
  if (driver.warning) process.stderr.write(`bootspec: warning: ${driver.warning}\n`);
  const config = functionConfig(prepared, values);
  const environment = { files: prepared.files, driver, config, manifestEnv: prepared.manifest.env, extraEnv, workDir: prepared.workDir };
  return { prepared, config, environment };
}

/** Help lines of the container driver's flags, shared by run, invoke and serve. */
export const CONTAINER_FLAGS_HELP = `  --base-image IMAGE    container driver: build the sandbox on IMAGE (already in the local engine,
                        e.g. public.ecr.aws/lambda/provided:al2023) instead of bootspec's own base
  --ephemeral-storage MB container driver: /tmp size, 512 to 10240 (default 512)
  --cpu share|quota     container driver: CPU as a weight proportional to memory (default), or
                        Lambda's hard cap of memory/1769 vCPU (7 % of a CPU at 128 MB)
`;

/** The driver flags of run, invoke and serve. */
export interface DriverFlags {
  driver?: string | undefined;
  'no-sandbox'?: boolean | undefined;
  'base-image'?: string | undefined;
  'ephemeral-storage'?: string | undefined;
  cpu?: string | undefined;
  quiet?: boolean | undefined;
}

export interface OpenedDriver {
  driver: Driver;
  /** What a suite worker opens the same driver from (drivers/open.ts). */
  target: DriverTarget;
  /** A prepared container run (image, labels) for suite workers; undefined for the process driver. */
  container: ContainerTarget | undefined;
  /** Removes what the driver started (the container driver's containers); call once at the end. */
  dispose(): Promise<void>;
}

/**
 * The driver a command asked for, through the factory the suite workers use too (drivers/open.ts).
 * The container run is prepared here, before any timing starts: the engine is checked
 * (DOCKER_UNAVAILABLE says how to start one), images built or reused.
 */
export async function driverFromFlags(flags: DriverFlags, placement: { cpuset?: string } = {}): Promise<OpenedDriver> {
  const name = flags.driver ?? 'process';
  if (name !== 'container') {
    if (flags['base-image'] !== undefined) throw usage('--base-image needs --driver container');
    if (flags['ephemeral-storage'] !== undefined) throw usage('--ephemeral-storage needs --driver container (only a container has a /tmp of a fixed size)');
    if (flags.cpu !== undefined) throw usage('--cpu needs --driver container');
    if (name !== 'process') throw usage(`--driver must be "process" or "container", got "${name}"`);
    const target: DriverTarget = { driver: 'process', noSandbox: flags['no-sandbox'] ?? false };
    return { driver: openDriver(target), target, container: undefined, dispose: async () => undefined };
  }
  const ephemeralStorageMb = intFlag('ephemeral-storage', flags['ephemeral-storage'], 512, 10240);
  const cpu = flags.cpu ?? 'share';
  if (cpu !== 'share' && cpu !== 'quota') throw usage(`--cpu must be share or quota, got "${cpu}"`);
  const { ContainerDriver } = await import('../drivers/container.ts');
  const driver = await ContainerDriver.prepare({
    cpu,
    ...(placement.cpuset === undefined ? {} : { cpuset: placement.cpuset }),
    ...(flags['base-image'] === undefined ? {} : { baseImage: flags['base-image'] }),
    ...(ephemeralStorageMb === undefined ? {} : { ephemeralStorageMb }),
    ...(flags.quiet ? {} : { onProgress: (line: string) => process.stderr.write(`bootspec: ${line}\n`) }),
  });
  const target = adoptDriver(driver);
  return {
    driver,
    target,
    container: driver.target,
    dispose: async () => {
      forgetDriver(target);
      await driver.dispose();
    },
  };
}

export async function prepare(dir: string | undefined, handler: string | undefined, quiet = false): Promise<PreparedRuntime> {
  if (!dir) throw usage('name a runtime folder', 'bootspec invoke runtimes-under-test/node-plain --event \'{"probe":"echo","value":1}\'');
  return prepareRuntime(dir, {
    ...(handler === undefined ? {} : { handler }),
    ...(quiet ? {} : { onBuildOutput: (line: string) => process.stderr.write(`  build | ${line}\n`) }),
  });
}

export function readEvent(event: string | undefined, eventFile: string | undefined): Buffer {
  if (event !== undefined && eventFile !== undefined) throw usage('give --event or --event-file, not both');
  if (eventFile !== undefined) {
    try {
      return readFileSync(eventFile === '-' ? 0 : eventFile);
    } catch (err) {
      throw new BootspecError(ErrorCodes.EVENT_INVALID, `cannot read --event-file ${eventFile}: ${(err as Error).message}`);
    }
  }
  return Buffer.from(event ?? '{}', 'utf8');
}

/** Last lines a runtime wrote to stderr (and stdout), to show next to a failure. */
export function outputTail(record: InvocationRecord, lines = 15): string {
  return record.logs
    .filter((l) => l.stream !== 'platform')
    .slice(-lines)
    .map((l) => `  ${l.stream} | ${l.text}`)
    .join('\n');
}

/** One or two sentences that say what went wrong at the platform level and what to check. */
export function diagnose(r: InvocationRecord, initBudgetMs: number): string | undefined {
  const lastInit = r.inits.at(-1);
  if (lastInit && lastInit.kind !== 'ready') {
    if (lastInit.kind === 'timeout') {
      return `the runtime never called GET /2018-06-01/runtime/invocation/next (init budget ${initBudgetMs / 1000} s, then the function timeout): does the bootstrap read AWS_LAMBDA_RUNTIME_API and start its loop?`;
    }
    if (lastInit.kind === 'exit') return `the runtime exited (${describeExit(lastInit.exit)}) before calling /next`;
    // SnapStart: a failed after-restore hook ends the restore, not the init (harness/api/restore.ts).
    if (r.exchanges.some((e) => e.route === 'restore-error' && e.generation === lastInit.generation)) return `the restore failed: the runtime posted /runtime/restore/error (${r.errorType})`;
    return `the runtime reported an init error through /runtime/init/error (${r.errorType})`;
  }
  if (r.outcome === 'timeout') return `the invocation ran past its ${r.request.deadlineMs ? 'deadline' : 'timeout'}; the runtime was killed`;
  if (r.outcome === 'runtime-exit' && r.errorType === 'Runtime.OutOfMemory') {
    return `the runtime was killed at the function's memory limit (Max Memory Used ${r.maxMemoryUsedMb ?? '?'} MB); give it more with --memory`;
  }
  if (r.outcome === 'runtime-exit') return `the runtime exited (${describeExit(r.exit)}) during the invocation`;
  if (r.outcome === 'response-too-large') return 'the response was larger than 6,291,556 bytes (413 from the Runtime API)';
  return undefined;
}

function describeExit(e: { code: number | null; signal: string | null } | undefined): string {
  if (!e) return 'unknown status';
  return e.signal ? `signal ${e.signal}` : `exit code ${e.code}`;
}

/** Prints a harness error for a person: message, fix, code. Returns the exit status. */
export function reportError(err: unknown): number {
  if (isBootspecError(err)) {
    process.stderr.write(`bootspec: ${err.describe()}\n`);
    const input: string[] = [
      ErrorCodes.USAGE,
      ErrorCodes.MANIFEST_INVALID,
      ErrorCodes.MANIFEST_NOT_FOUND,
      ErrorCodes.RUNTIME_FOLDER_INVALID,
      ErrorCodes.ZIP_INVALID,
      ErrorCodes.ZIP_UNSAFE_ENTRY,
      ErrorCodes.TOO_MANY_LAYERS,
      ErrorCodes.UNZIPPED_SIZE_EXCEEDED,
      ErrorCodes.BOOTSTRAP_NOT_FOUND,
      ErrorCodes.BOOTSTRAP_NOT_EXECUTABLE,
      ErrorCodes.RESERVED_ENV_VAR,
      ErrorCodes.EVENT_INVALID,
    ];
    return input.includes(err.code) ? 2 : 1;
  }
  process.stderr.write(`bootspec: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 1;
}
