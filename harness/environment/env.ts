/** The environment a runtime gets on Lambda (docs/requirements.md#environment). */
import { randomBytes } from 'node:crypto';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { MAX_MEMORY_MB, MAX_TIMEOUT_S, MIN_MEMORY_MB } from './limits.ts';
import { managedVariables } from './managed.ts';
import type { EnvironmentArgs, FunctionConfig, RuntimeManifest } from './types.ts';

/** Set by Lambda; a function's configuration cannot set them (docs/requirements.md#environment). */
export const RESERVED_ENV_VARS: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
  'AWS_LAMBDA_MAX_CONCURRENCY',
  'AWS_LAMBDA_METADATA_API',
  'AWS_LAMBDA_METADATA_TOKEN',
]);

/** Obviously fake execution-role credentials (AWS's documented example keys): nothing can sign with them. */
export const PLACEHOLDER_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'bootspec-placeholder-session-token-not-valid-anywhere',
} as const;

export function buildEnvironment(args: EnvironmentArgs): Record<string, string> {
  const { config, paths, runtimeApi, manifestEnv, extra = {} } = args;
  if (!/^[^\s/]+:\d+$/.test(runtimeApi)) {
    throw new BootspecError(ErrorCodes.USAGE, `runtimeApi must be host:port, got ${JSON.stringify(runtimeApi)}`, {
      hint: 'pass the address the mock Runtime API listens on, e.g. 127.0.0.1:9001',
    });
  }
  const unreserved: Record<string, string> = {
    PATH: `/usr/local/bin:/usr/bin/:/bin:${paths.optDir}/bin`,
    LD_LIBRARY_PATH: [
      '/var/lang/lib',
      '/lib64',
      '/usr/lib64',
      paths.runtimeDir,
      `${paths.runtimeDir}/lib`,
      paths.taskRoot,
      `${paths.taskRoot}/lib`,
      `${paths.optDir}/lib`,
    ].join(':'),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    // Just the value Lambda sets; no daemon listens.
    AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
  };
  const reserved: Record<string, string> = {
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    _HANDLER: config.handler,
    LAMBDA_TASK_ROOT: paths.taskRoot,
    LAMBDA_RUNTIME_DIR: paths.runtimeDir,
    AWS_LAMBDA_FUNCTION_NAME: config.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: config.functionVersion,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: config.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: config.logStreamName,
    AWS_REGION: config.region,
    AWS_DEFAULT_REGION: config.region,
    AWS_LAMBDA_INITIALIZATION_TYPE: config.initializationType,
    ...PLACEHOLDER_CREDENTIALS,
    ...loggingVariables(config),
    ...managedVariables(config),
  };
  // Lambda never lets configuration override its own variables, and drops "_" names (RAPID customer.go).
  const customer = Object.fromEntries(
    Object.entries(manifestEnv).filter(([name]) => !RESERVED_ENV_VARS.has(name) && !name.startsWith('_')),
  );
  return { ...unreserved, ...customer, ...reserved, ...extra };
}

/**
 * What a function's logging configuration sets: AWS_LAMBDA_LOG_FORMAT, and with the JSON format the
 * application log level as AWS_LAMBDA_LOG_LEVEL (runtime clients filter and format by them).
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html
 */
function loggingVariables(config: FunctionConfig): Record<string, string> {
  const l = config.logging;
  if (!l) return {};
  if (l.format === 'JSON' && l.applicationLogLevel) return { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: l.applicationLogLevel };
  return { AWS_LAMBDA_LOG_FORMAT: l.format };
}

/** `2024/05/01/[$LATEST]0123…` (32 hex digits), the shape of a Lambda log stream name. */
export function newLogStreamName(now: Date = new Date(), version = '$LATEST'): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[${version}]${randomBytes(16).toString('hex')}`;
}

/** The configuration Lambda would hold for a function made from this manifest, with overrides. */
export function defaultFunctionConfig(m: RuntimeManifest, over: Partial<FunctionConfig> = {}): FunctionConfig {
  const functionName = over.functionName ?? m.name;
  const functionVersion = over.functionVersion ?? '$LATEST';
  const config: FunctionConfig = {
    functionName,
    functionVersion,
    memoryMb: 128,
    timeoutS: 3,
    region: 'us-east-1',
    handler: m.handler,
    initializationType: 'on-demand',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: newLogStreamName(new Date(), functionVersion),
    ...over,
  };
  checkFunctionConfig(config);
  return config;
}

/** Refuses what Lambda's CreateFunction would refuse (docs/requirements.md#sandbox). */
export function checkFunctionConfig(c: FunctionConfig): void {
  const bad = (field: string, why: string, hint: string): BootspecError =>
    new BootspecError(ErrorCodes.USAGE, `function config ${field} ${why}`, { hint });
  if (!Number.isInteger(c.memoryMb) || c.memoryMb < MIN_MEMORY_MB || c.memoryMb > MAX_MEMORY_MB) {
    throw bad('memoryMb', `must be a whole number from ${MIN_MEMORY_MB} to ${MAX_MEMORY_MB}, got ${c.memoryMb}`, 'Lambda memory is set in 1 MB steps within that range');
  }
  if (!(c.timeoutS > 0 && c.timeoutS <= MAX_TIMEOUT_S)) {
    throw bad('timeoutS', `must be more than 0 and at most ${MAX_TIMEOUT_S} seconds, got ${c.timeoutS}`, 'Lambda timeouts run from 1 s to 15 min');
  }
  for (const field of ['functionName', 'functionVersion', 'region', 'handler', 'logGroupName', 'logStreamName'] as const) {
    if (typeof c[field] !== 'string' || c[field] === '') throw bad(field, 'must be a non-empty string', `set ${field}, or leave it out to get the default`);
  }
}
