/** A runtime being benchmarked: prepared once, then started as many fresh environments as a phase needs. */
import type { Driver } from '../drivers/types.ts';
import type { PreparedRuntime } from '../environment/prepare.ts';
import type { FunctionConfig } from '../environment/types.ts';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { ExecutionEnvironment, type ExecutionEnvironmentOptions } from '../invoke/execution-environment.ts';
import type { CpuPlacement } from './placement.ts';

export class BenchSubject {
  /** Name in tables and comparisons. */
  label: string;
  readonly prepared: PreparedRuntime;
  readonly config: FunctionConfig;
  readonly driver: Driver;
  readonly extraEnv: Record<string, string>;
  /** When the newest runtime process was spawned (epoch ms), for cold starts. */
  lastSpawnAt = 0;

  constructor(o: { label: string; prepared: PreparedRuntime; config: FunctionConfig; driver: Driver; placement: CpuPlacement; extraEnv: Record<string, string> }) {
    this.label = o.label;
    this.prepared = o.prepared;
    this.config = o.config;
    this.extraEnv = o.extraEnv;
    this.driver = o.placement.driver(o.driver, (at) => {
      this.lastSpawnAt = at;
    });
  }

  get name(): string {
    return this.prepared.manifest.name;
  }

  /** Probe runtimes (docs/probe-contract.md) need JSON echo events; null runtimes take any bytes. */
  get probe(): boolean {
    return this.prepared.manifest.conformance;
  }

  environmentOptions(): ExecutionEnvironmentOptions {
    return {
      files: this.prepared.files,
      driver: this.driver,
      config: this.config,
      manifestEnv: this.prepared.manifest.env,
      extraEnv: this.extraEnv,
      workDir: this.prepared.workDir,
      // Timed phases never record exchanges or logs.
      record: false,
      shutdownGraceMs: 0,
    };
  }

  /** A fresh environment, initialised (the runtime has called /next). */
  async start(): Promise<ExecutionEnvironment> {
    const env = await ExecutionEnvironment.create(this.environmentOptions());
    const init = await env.init();
    if (init.kind !== 'ready') {
      await env.close();
      throw new BootspecError(ErrorCodes.DRIVER_START_FAILED, `${this.label} did not finish init (${init.kind}) in the benchmark`, {
        hint: `check it works first: bootspec invoke ${this.prepared.manifest.dir}`,
      });
    }
    return env;
  }
}
