/** Public shapes of the function environment (what a function sees). See docs/probe-contract.md#manifest, docs/requirements.md#environment */
import type { UnzippedBudget } from './limits.ts';

/** runtime.json after validation and path resolution (docs/probe-contract.md#manifest). */
export interface RuntimeManifest {
  name: string;
  description: string;
  probe: 1;
  /** Absolute path of the runtime folder. */
  dir: string;
  /** Shell command run in `dir` before use, if any. */
  build: string | undefined;
  /** Absolute path: a folder or a .zip that becomes /var/task. */
  function: string;
  /** Absolute paths of layer zips or folders, in merge order (at most 5). */
  layers: string[];
  handler: string;
  env: Record<string, string>;
  features: RuntimeFeature[];
  /** Absolute path of the expectations file, if any. */
  expectations: string | undefined;
  /** True when the folder had no runtime.json (a bare bootstrap folder). */
  bare: boolean;
  /** False when the function is not the probe (a benchmark-only runtime): `run` leaves it out. */
  conformance: boolean;
}

/** runtime.json as it is on disk, before any parsing. */
export interface ManifestFile {
  /** Absolute path of the runtime.json. */
  file: string;
  text: string;
}

/**
 * What a folder says about itself before it is loaded, read without validating (loadRuntime
 * validates): enough to list runtimes, skip benchmark-only ones and find expectations.
 */
export interface RuntimePeek {
  /** 'manifest': the folder holds a runtime.json; 'bare': only a bootstrap. */
  kind: 'manifest' | 'bare';
  /** "name" when runtime.json gives one as a string, otherwise the name a bare folder gets. */
  name: string;
  /** False only when runtime.json says "conformance": false. */
  conformance: boolean;
  /** Absolute path of the expectations file when runtime.json names one. */
  expectations: string | undefined;
}

/** `nodejs` / `python`: the handler is written in that language, so its layer folders of /opt apply. */
export type RuntimeFeature = 'handler-lookup' | 'streaming' | 'telemetry-log-fd' | 'json-logs' | 'extensions' | 'sigterm' | 'nodejs' | 'python' | 'concurrency' | 'snapstart' | 'internal-extension';

/** The function's files, laid out on the host, ready to be mounted or used in place. */
export interface AssembledFiles {
  /** Host folder holding the function code (becomes /var/task). */
  taskRoot: string;
  /** Host folder holding the merged layers (becomes /opt). */
  optDir: string;
  /** Which bootstrap Lambda would run, as a path relative to the Lambda root: '/var/task/bootstrap' or '/opt/bootstrap'. */
  bootstrap: '/var/task/bootstrap' | '/opt/bootstrap';
  /** Host path of that bootstrap. */
  bootstrapHostPath: string;
  /** Total unzipped bytes of function + layers. */
  unzippedBytes: number;
  /**
   * Permission bits of that bootstrap. Lambda runs it as a user that owns nothing in /var/task,
   * so a mode without the "others" execute bit (0o744, 0o700) runs here but not there.
   */
  bootstrapMode?: number;
}

/** The function configuration the platform would hold. */
export interface FunctionConfig {
  functionName: string;
  functionVersion: string;
  memoryMb: number;
  timeoutS: number;
  region: string;
  handler: string;
  initializationType: 'on-demand' | 'provisioned-concurrency' | 'snap-start' | 'lambda-managed-instances';
  logGroupName: string;
  logStreamName: string;
  /** The function's logging configuration (LoggingConfig); absent: Lambda's defaults, no variables. */
  logging?: FunctionLogging;
  /**
   * Lambda Managed Instances: the most invocations one environment serves at once
   * (AWS_LAMBDA_MAX_CONCURRENCY). Absent or 1 with another initialization type: the classic
   * one-at-a-time environment. See harness/environment/managed.ts.
   */
  maxConcurrency?: number;
}

/** https://docs.aws.amazon.com/lambda/latest/api/API_LoggingConfig.html */
export interface FunctionLogging {
  format: 'Text' | 'JSON';
  /** Honoured with the JSON format only, as on Lambda. */
  applicationLogLevel?: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
}

/** Where the function's paths are, as the runtime sees them. */
export interface PathView {
  taskRoot: string; // '/var/task' with path fidelity
  optDir: string; // '/opt'
  runtimeDir: string; // '/var/runtime'
  tmpDir: string; // '/tmp'
}

/** Options of `loadRuntime`. */
export interface LoadRuntimeOptions {
  /** Overrides the manifest's `handler` (the command line's `--handler`). */
  handler?: string;
}

/** Options of `assembleFiles`. */
export interface AssembleOptions {
  /** Budget for function + layers, unzipped. Defaults to Lambda's 250 MB (MAX_UNZIPPED_BYTES). */
  maxUnzippedBytes?: number;
}

/** Options of `extractZip`. */
export interface ExtractOptions {
  /** Shared budget across several extractions (function + layers). Wins over `maxBytes`. */
  budget?: UnzippedBudget;
  /** Budget for this zip alone when no shared budget is given. Defaults to MAX_UNZIPPED_BYTES. */
  maxBytes?: number;
}

/** What one zip extraction wrote. */
export interface ExtractResult {
  /** Bytes of file content written (symlink targets included). */
  bytes: number;
  /** Entries extracted: files, folders and symlinks. */
  entries: number;
}

/** Arguments of `buildEnvironment`. */
export interface EnvironmentArgs {
  config: FunctionConfig;
  paths: PathView;
  /** `host:port` of the mock Runtime API. */
  runtimeApi: string;
  /** The manifest's `env`; reserved names are ignored (Lambda never lets them through). */
  manifestEnv: Record<string, string>;
  /** Harness-controlled variables (PROBE_INIT, log format, ...), applied last. */
  extra?: Record<string, string>;
}
