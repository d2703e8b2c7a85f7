import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../harness/errors.ts';
import {
  buildEnvironment,
  defaultFunctionConfig,
  newLogStreamName,
  RESERVED_ENV_VARS,
  type FunctionConfig,
  type PathView,
  type RuntimeManifest,
} from '../../harness/environment/index.ts';
import { expectBootspecError } from './helpers.ts';

const lambdaPaths: PathView = { taskRoot: '/var/task', optDir: '/opt', runtimeDir: '/var/runtime', tmpDir: '/tmp' };
const hostPaths: PathView = { taskRoot: '/w/task', optDir: '/w/opt', runtimeDir: '/w/runtime', tmpDir: '/w/tmp' };

const manifest: RuntimeManifest = {
  name: 'go-test',
  description: '',
  probe: 1,
  dir: '/rt',
  build: undefined,
  function: '/rt/fn',
  layers: [],
  handler: 'probe.handler',
  env: {},
  features: [],
  expectations: undefined,
  bare: false,
  conformance: true,
};

const config: FunctionConfig = {
  functionName: 'go-test',
  functionVersion: '$LATEST',
  memoryMb: 256,
  timeoutS: 3,
  region: 'eu-west-1',
  handler: 'probe.handler',
  initializationType: 'on-demand',
  logGroupName: '/aws/lambda/go-test',
  logStreamName: '2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef',
};

const build = (over: Partial<Parameters<typeof buildEnvironment>[0]> = {}): Record<string, string> =>
  buildEnvironment({ config, paths: lambdaPaths, runtimeApi: '127.0.0.1:9001', manifestEnv: {}, ...over });

describe('buildEnvironment', () => {
  it('sets the log format, and with JSON the application log level, when the function config asks', () => {
    const env = (logging: FunctionConfig['logging']) => build({ config: { ...config, ...(logging ? { logging } : {}) } });
    expect(env(undefined).AWS_LAMBDA_LOG_FORMAT).toBeUndefined();
    expect(env({ format: 'Text', applicationLogLevel: 'DEBUG' })).toMatchObject({ AWS_LAMBDA_LOG_FORMAT: 'Text' });
    expect(env({ format: 'Text', applicationLogLevel: 'DEBUG' }).AWS_LAMBDA_LOG_LEVEL).toBeUndefined();
    expect(env({ format: 'JSON', applicationLogLevel: 'WARN' })).toMatchObject({ AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'WARN' });
    expect(env({ format: 'JSON' }).AWS_LAMBDA_LOG_LEVEL).toBeUndefined();
  });

  it('sets what Lambda sets for an OS-only runtime', () => {
    expect(build()).toEqual({
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
      _HANDLER: 'probe.handler',
      LAMBDA_TASK_ROOT: '/var/task',
      LAMBDA_RUNTIME_DIR: '/var/runtime',
      AWS_LAMBDA_FUNCTION_NAME: 'go-test',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/go-test',
      AWS_LAMBDA_LOG_STREAM_NAME: '2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_ACCESS_KEY_ID: expect.stringContaining('EXAMPLE'),
      AWS_SECRET_ACCESS_KEY: expect.stringContaining('EXAMPLE'),
      AWS_SESSION_TOKEN: expect.stringContaining('placeholder'),
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      PATH: '/usr/local/bin:/usr/bin/:/bin:/opt/bin',
      LD_LIBRARY_PATH: '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
      AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
      AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
    });
  });

  it('never sets AWS_EXECUTION_ENV or _X_AMZN_TRACE_ID', () => {
    const env = build();
    expect(env).not.toHaveProperty('AWS_EXECUTION_ENV');
    expect(env).not.toHaveProperty('_X_AMZN_TRACE_ID');
  });

  it('builds PATH and LD_LIBRARY_PATH from host paths', () => {
    const env = build({ paths: hostPaths });
    expect(env.PATH).toBe('/usr/local/bin:/usr/bin/:/bin:/w/opt/bin');
    expect(env.LD_LIBRARY_PATH).toBe('/var/lang/lib:/lib64:/usr/lib64:/w/runtime:/w/runtime/lib:/w/task:/w/task/lib:/w/opt/lib');
    expect(env.LAMBDA_TASK_ROOT).toBe('/w/task');
  });

  it('lets the manifest override unreserved variables but never reserved ones', () => {
    const env = build({
      manifestEnv: { AWS_REGION: 'us-west-2', _HANDLER: 'evil', LAMBDA_TASK_ROOT: '/x', TZ: 'Europe/Paris', FOO: 'bar', _PRIVATE: '1' },
    });
    expect(env.AWS_REGION).toBe('eu-west-1');
    expect(env._HANDLER).toBe('probe.handler');
    expect(env.LAMBDA_TASK_ROOT).toBe('/var/task');
    expect(env.TZ).toBe('Europe/Paris');
    expect(env.FOO).toBe('bar');
    expect(env).not.toHaveProperty('_PRIVATE');
  });

  it('applies harness extras last', () => {
    const env = build({ manifestEnv: { PROBE_INIT: 'from-manifest' }, extra: { PROBE_INIT: 'fail', AWS_LAMBDA_LOG_FORMAT: 'JSON' } });
    expect(env.PROBE_INIT).toBe('fail');
    expect(env.AWS_LAMBDA_LOG_FORMAT).toBe('JSON');
  });

  it('refuses a runtimeApi that is not host:port', () => {
    expect(() => build({ runtimeApi: 'http://127.0.0.1:9001' })).toThrow(/host:port/);
  });

  it('lists the reserved names of docs/requirements.md#environment, and not the unreserved TZ', () => {
    for (const name of ['_HANDLER', 'AWS_REGION', 'AWS_LAMBDA_RUNTIME_API', 'AWS_SESSION_TOKEN', 'AWS_EXECUTION_ENV', '_X_AMZN_TRACE_ID']) {
      expect(RESERVED_ENV_VARS.has(name), name).toBe(true);
    }
    expect(RESERVED_ENV_VARS.has('TZ')).toBe(false);
  });
});

describe('newLogStreamName', () => {
  it('has the Lambda shape, dated in UTC', () => {
    const name = newLogStreamName(new Date('2024-01-02T23:59:59-05:00'));
    expect(name).toMatch(/^2024\/01\/03\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(newLogStreamName(new Date(), '7')).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[7\][0-9a-f]{32}$/);
    expect(newLogStreamName()).not.toBe(newLogStreamName());
  });
});

describe('defaultFunctionConfig', () => {
  it('uses Lambda defaults', () => {
    const c = defaultFunctionConfig(manifest);
    expect(c).toMatchObject({
      functionName: 'go-test',
      functionVersion: '$LATEST',
      memoryMb: 128,
      timeoutS: 3,
      region: 'us-east-1',
      handler: 'probe.handler',
      initializationType: 'on-demand',
      logGroupName: '/aws/lambda/go-test',
    });
    expect(c.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('applies overrides, deriving log names from them', () => {
    const c = defaultFunctionConfig(manifest, { functionName: 'other', functionVersion: '3', memoryMb: 1024 });
    expect(c.logGroupName).toBe('/aws/lambda/other');
    expect(c.logStreamName).toContain('[3]');
    expect(c.memoryMb).toBe(1024);
  });

  it.each([
    [{ memoryMb: 64 }, 'memoryMb'],
    [{ memoryMb: 20_000 }, 'memoryMb'],
    [{ timeoutS: 0 }, 'timeoutS'],
    [{ timeoutS: 901 }, 'timeoutS'],
    [{ region: '' }, 'region'],
  ])('refuses %o', async (over, field) => {
    const err = await expectBootspecError(Promise.resolve().then(() => defaultFunctionConfig(manifest, over)), ErrorCodes.USAGE);
    expect(err.message).toContain(field);
  });
});
