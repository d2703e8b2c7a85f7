import { randomUUID } from 'node:crypto';
import { parseJson } from '../harness/suite/checks.ts';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { awaitMarkers, linesWith, logThroughLogger, showLine } from '../harness/suite/log-records.ts';
import type { Counter } from '../harness/suite/verify.ts';

/** The probe's `context` answer (docs/probe-contract.md). */
interface ProbeContext {
  requestId: string | null;
  functionArn: string | null;
  functionName: string | null;
  functionVersion: string | null;
  memoryLimitMb: number | string | null;
  logGroupName: string | null;
  logStreamName: string | null;
  remainingMs: number | null;
  clientContext: unknown;
  identity: unknown;
  traceEnv: string | null;
  tenantId: string | null;
}

const CLIENT_CONTEXT = {
  client: { installation_id: 'bootspec-install-1', app_title: 'bootspec', app_version_name: '1.0', app_version_code: '1', app_package_name: 'dev.bootspec' },
  custom: { bootspecKey: 'bootspec-custom-value' },
  env: { platform: 'linux' },
};
const IDENTITY = { cognitoIdentityId: 'us-east-1:bootspec-identity', cognitoIdentityPoolId: 'us-east-1:bootspec-pool' };

/** Two tenants of a tenant-isolated function (X-Amz-Tenant-Id values; bootspec sends no other). */
const TENANTS = ['bootspec-tenant-blue', 'bootspec-tenant-green'] as const;

/** What went wrong when the handler saw `seen` for an invocation whose tenant is `want`. */
function tenantMiss(want: string | null, seen: string | null): string {
  if (want === null) return `the context still shows tenant ${JSON.stringify(seen)} on an invocation without one`;
  if (seen === null) return 'the context offers no tenant id';
  return TENANTS.includes(seen as (typeof TENANTS)[number]) ? 'the context shows an earlier invocation\'s tenant' : 'the tenant id the handler saw is not the header\'s';
}

/** True when `v` is a parsed object (not a string) that holds every one of `needles` somewhere. */
function parsedWith(v: unknown, needles: string[]): boolean {
  if (!v || typeof v !== 'object') return false;
  const text = JSON.stringify(v);
  return needles.every((n) => text.includes(n));
}

export default area('context', 'The context object', [
  scenario(
    {
      id: 'context.remaining-time',
      level: 'MUST',
      title: 'Remaining time comes from Lambda-Runtime-Deadline-Ms',
      requirement: 'The context exposes the deadline from Lambda-Runtime-Deadline-Ms (epoch ms), so remaining time ≈ deadline − now.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ timeoutS: 30 });
      // Init first: the deadline is set when the invocation starts, and a slow init must not eat it.
      await env.init();
      const deadlineMs = Date.now() + 20_000;
      const r = await t.probe(env, { probe: 'context' }, { deadlineMs });
      const ctx = t.pre.json<ProbeContext>(env, r, 'the context probe', 'context');
      const remaining = Number(ctx.remainingMs);
      t.check(ctx.remainingMs !== null && remaining <= 20_000 && remaining >= 17_000, {
        message: 'the remaining time does not follow the deadline header',
        expected: `about 20,000 ms (deadline ${deadlineMs}), at least 17,000`,
        actual: `${JSON.stringify(ctx.remainingMs)} ms`,
      });
    },
  ),
  scenario(
    {
      id: 'context.request-id',
      level: 'MUST',
      title: 'The handler sees the request id',
      requirement: 'The context\'s request id is Lambda-Runtime-Aws-Request-Id.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const r = await t.probe(env, { probe: 'context' });
      // A failing context probe is this scenario's own finding: the handler saw no request id.
      const ctx = t.pre.json<ProbeContext>(env, r, 'the context probe', 'context');
      t.check(ctx.requestId === r.requestId, { message: 'the handler saw another request id', expected: r.requestId, actual: JSON.stringify(ctx.requestId) });
    },
  ),
  scenario(
    {
      id: 'context.function-arn',
      level: 'MUST',
      title: 'The invoked function ARN comes from the header',
      requirement: 'The context\'s invoked function ARN is Lambda-Runtime-Invoked-Function-Arn of that invocation (it may carry a qualifier and change between invokes).',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const functionArn = `arn:aws:lambda:eu-west-3:210987654321:function:${env.config.functionName}:bootspec-alias`;
      const r = await t.probe(env, { probe: 'context' }, { functionArn });
      const ctx = t.pre.json<ProbeContext>(env, r, 'the context probe', 'context');
      t.check(ctx.functionArn === functionArn, { message: 'the ARN the handler saw is not the header\'s', expected: functionArn, actual: JSON.stringify(ctx.functionArn) });
    },
  ),
  scenario(
    {
      id: 'context.client-context',
      level: 'SHOULD',
      title: 'Client context is parsed from JSON',
      requirement: 'Lambda-Runtime-Client-Context is plain JSON (not base64); the runtime parses it into the context.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const r = await t.probe(env, { probe: 'context' }, { clientContext: JSON.stringify(CLIENT_CONTEXT) });
      const ctx = t.pre.json<ProbeContext>(env, r, 'the context probe with a client context', 'context');
      t.check(parsedWith(ctx.clientContext, ['bootspec-install-1', 'bootspec-custom-value']), {
        message: ctx.clientContext === null ? 'the context offers no client context' : 'the client context is not the parsed header',
        expected: JSON.stringify(CLIENT_CONTEXT),
        actual: JSON.stringify(ctx.clientContext)?.slice(0, 300) ?? 'undefined',
      });
    },
  ),
  scenario(
    {
      id: 'context.identity',
      level: 'SHOULD',
      title: 'Cognito identity is parsed from JSON',
      requirement: 'Lambda-Runtime-Cognito-Identity is JSON {cognitoIdentityId, cognitoIdentityPoolId}; the runtime parses it into the context.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const r = await t.probe(env, { probe: 'context' }, { cognitoIdentity: JSON.stringify(IDENTITY) });
      const ctx = t.pre.json<ProbeContext>(env, r, 'the context probe with an identity', 'context');
      t.check(parsedWith(ctx.identity, [IDENTITY.cognitoIdentityId, IDENTITY.cognitoIdentityPoolId]), {
        message: ctx.identity === null ? 'the context offers no identity' : 'the identity is not the parsed header',
        expected: JSON.stringify(IDENTITY),
        actual: JSON.stringify(ctx.identity)?.slice(0, 300) ?? 'undefined',
      });
    },
  ),
  scenario(
    {
      id: 'context.env-fields',
      level: 'SHOULD',
      title: 'Function name, version, memory and log names come from the environment',
      requirement: 'The context carries AWS_LAMBDA_FUNCTION_NAME, _VERSION, _MEMORY_SIZE, AWS_LAMBDA_LOG_GROUP_NAME and _STREAM_NAME.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ memoryMb: 256 });
      const r = await t.probe(env, { probe: 'context' });
      const ctx = t.pre.json<ProbeContext>(env, r, 'the context probe', 'context');
      const c = env.config;
      const want: Record<string, unknown> = {
        functionName: c.functionName,
        functionVersion: c.functionVersion,
        memoryLimitMb: 256,
        logGroupName: c.logGroupName,
        logStreamName: c.logStreamName,
      };
      const wrong = Object.entries(want).filter(([k, v]) => String((ctx as unknown as Record<string, unknown>)[k]) !== String(v));
      t.check(wrong.length === 0, {
        message: `wrong or missing context fields: ${wrong.map(([k]) => k).join(', ')}`,
        expected: JSON.stringify(Object.fromEntries(wrong)),
        actual: JSON.stringify(Object.fromEntries(wrong.map(([k]) => [k, (ctx as unknown as Record<string, unknown>)[k] ?? null]))),
      });
    },
  ),
  scenario(
    {
      id: 'context.tenant-id',
      level: 'SHOULD',
      title: 'The handler sees the invocation\'s tenant id, and none when it has none',
      requirement: 'The context\'s tenant id is Lambda-Runtime-Aws-Tenant-Id of that invocation, and absent when the invocation carries none: never a previous invocation\'s.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      // Tenant A, then no tenant, then tenant B: each answer must be that invocation's own header.
      const steps: { tenantId: string | null; what: string }[] = [
        { tenantId: TENANTS[0], what: `an invocation for tenant ${TENANTS[0]}` },
        { tenantId: null, what: 'the next invocation, which has no tenant' },
        { tenantId: TENANTS[1], what: `the next invocation, for tenant ${TENANTS[1]}` },
      ];
      for (const step of steps) {
        const r = await t.probe(env, { probe: 'context' }, { tenantId: step.tenantId });
        const ctx = t.pre.json<ProbeContext>(env, r, `the context probe of ${step.what}`, 'context');
        // Absent, null and '' all say "no tenant" (Go's TenantID is a plain string; some probes drop null members).
        const seen = ctx.tenantId || null;
        if (seen === step.tenantId) continue;
        t.fail({
          message: tenantMiss(step.tenantId, seen),
          expected: `${step.what}: ${JSON.stringify(step.tenantId)}`,
          actual: JSON.stringify(ctx.tenantId ?? null),
          records: t.records.slice(),
        });
      }
    },
  ),
  scenario(
    {
      id: 'context.tenant-id-in-json-logs',
      level: 'SHOULD',
      feature: 'json-logs',
      title: 'With JSON logs, the records of a tenant\'s invocation carry its tenant id',
      requirement:
        'With the JSON log format (AWS_LAMBDA_LOG_FORMAT=JSON), each record the function logs through the runtime\'s logger during an invocation that has a tenant carries it as `tenantId`.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({
        logging: { format: 'JSON', applicationLogLevel: 'INFO' },
        telemetryLogFd: t.manifest.features.includes('telemetry-log-fd'),
      });
      await t.given(env, { probe: 'echo', value: 1 });
      const marker = `bootspec-tenant-log-${randomUUID().slice(0, 8)}`;
      const tenantId = TENANTS[0];
      const r = await logThroughLogger(t, env, [{ level: 'INFO', message: `${marker} a tenant's record` }], { tenantId });
      await awaitMarkers(env, [marker]);
      const line = linesWith(env, marker)[0];
      const value = line === undefined ? undefined : parseJson(line.text);
      const json = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
      // A record that is missing or not JSON at all is json-logs.fields' finding.
      if (line === undefined || json === undefined) {
        const actual = line === undefined ? 'not at all' : showLine(line);
        t.precondition({ message: `the record "${marker}" is not one JSON object`, expected: 'one JSON object', actual, records: [r] }, 'json-logs.fields');
      }
      t.check(json.tenantId === tenantId, {
        message: json.tenantId === undefined ? 'the JSON record has no tenantId' : 'the JSON record\'s tenantId is not the invocation\'s',
        expected: `{…, "tenantId": "${tenantId}"}`,
        actual: showLine(line),
        records: [r],
      });
    },
  ),
  scenario(
    {
      id: 'context.malformed-context',
      level: 'SHOULD',
      title: 'Malformed client context fails only that invocation',
      requirement: 'A client-context header that is not valid JSON is a per-invoke error, not a crash of the runtime.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      // A runtime that exits after any error is errors.warm-after-error's finding, not this one's.
      const before = await t.givenSurvivesError(env);
      const bad = await t.probe(env, { probe: 'context' }, { clientContext: '{"client": not json' });
      t.verify.survived(bad, 'a malformed client context');
      const r = await t.probe(env, { probe: 'counter' });
      const after = t.pre.json<Counter>(env, r, 'the invocation after it', 'counter');
      t.verify.sameProcess(before, after, r, 'a new process served the invocation after the malformed client context');
    },
  ),
]);
