/**
 * Renders a platform moment as the event one API delivers, or nothing when that API has no such
 * event. Telemetry API (2022-07-01): records as in the schema reference; the Logs API (2020-08-15):
 * the older platform.start / end / report / fault / extension / logsSubscription shapes, plus
 * platform.runtimeDone when subscribed with schema 2021-03-18.
 * https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-logs-api.html#runtimes-logs-api-msg
 */
import type { TelemetryApiKind, TelemetryEvent, TelemetryMoment, TelemetryStream } from './types.ts';

/** On-demand functions only: bootspec has no provisioned concurrency or SnapStart. */
const INITIALIZATION_TYPE = 'on-demand';

/** The stream a moment belongs to (what a subscriber's `types` filters on). */
export function streamOf(m: TelemetryMoment): TelemetryStream {
  return m.kind === 'log' ? m.stream : 'platform';
}

export function formatMoment(api: TelemetryApiKind, schemaVersion: string, at: number, m: TelemetryMoment): TelemetryEvent | undefined {
  const time = new Date(at).toISOString();
  const r = api === 'telemetry' ? telemetryRecord(m) : logsRecord(m, schemaVersion);
  return r && { time, type: r.type, record: r.record };
}

type Rendered = { type: string; record: unknown } | undefined;

function withError<T extends object>(o: T, errorType: string | undefined): T & { errorType?: string } {
  return errorType === undefined ? o : { ...o, errorType };
}

function telemetryRecord(m: TelemetryMoment): Rendered {
  switch (m.kind) {
    case 'initStart':
      return { type: 'platform.initStart', record: { initializationType: INITIALIZATION_TYPE, phase: m.phase } };
    case 'initRuntimeDone':
      return { type: 'platform.initRuntimeDone', record: withError({ initializationType: INITIALIZATION_TYPE, phase: m.phase, status: m.status }, m.errorType) };
    case 'initReport':
      return {
        type: 'platform.initReport',
        record: withError({ initializationType: INITIALIZATION_TYPE, phase: m.phase, status: m.status, metrics: { durationMs: round2(m.durationMs) } }, m.errorType),
      };
    case 'start':
      return { type: 'platform.start', record: { requestId: m.requestId, version: m.version, ...(m.tracing ? { tracing: m.tracing } : {}), ...tenant(m.tenantId) } };
    case 'runtimeDone': {
      const metrics = { durationMs: round2(m.durationMs), ...(m.producedBytes === undefined ? {} : { producedBytes: m.producedBytes }) };
      const record = withError({ requestId: m.requestId, status: m.status }, m.errorType);
      return { type: 'platform.runtimeDone', record: { ...record, metrics, spans: m.spans, ...(m.tracing ? { tracing: m.tracing } : {}), ...tenant(m.tenantId) } };
    }
    case 'report':
      return {
        type: 'platform.report',
        record: { ...withError({ requestId: m.requestId, status: m.status }, m.errorType), metrics: m.metrics, ...(m.tracing ? { tracing: m.tracing } : {}), ...tenant(m.tenantId) },
      };
    case 'extension':
      return { type: 'platform.extension', record: { name: m.name, state: m.state, events: m.events } };
    case 'subscription':
      if (m.api !== 'telemetry') return undefined;
      return { type: 'platform.telemetrySubscription', record: { name: m.name, state: 'Subscribed', types: m.types } };
    case 'logsDropped':
      return { type: 'platform.logsDropped', record: { reason: m.reason, droppedRecords: m.droppedRecords, droppedBytes: m.droppedBytes } };
    case 'log':
      return { type: m.stream, record: m.text };
    case 'end':
    case 'fault':
      return undefined;
  }
}

function logsRecord(m: TelemetryMoment, schemaVersion: string): Rendered {
  switch (m.kind) {
    case 'start':
      return { type: 'platform.start', record: { requestId: m.requestId, version: m.version } };
    case 'end':
      return { type: 'platform.end', record: { requestId: m.requestId } };
    case 'report':
      return { type: 'platform.report', record: { requestId: m.requestId, metrics: m.metrics } };
    case 'runtimeDone':
      // Only for subscribers of schema 2021-03-18, with the documented statuses.
      if (schemaVersion !== '2021-03-18') return undefined;
      return { type: 'platform.runtimeDone', record: { requestId: m.requestId, status: m.status === 'error' ? 'failure' : m.status } };
    case 'fault':
      return { type: 'platform.fault', record: m.text };
    case 'extension':
      return { type: 'platform.extension', record: { name: m.name, state: m.state, events: m.events } };
    case 'subscription':
      if (m.api !== 'logs') return undefined;
      return { type: 'platform.logsSubscription', record: { name: m.name, state: 'Subscribed', types: m.types } };
    case 'logsDropped':
      return { type: 'platform.logsDropped', record: { reason: m.reason, droppedRecords: m.droppedRecords, droppedBytes: m.droppedBytes } };
    case 'log':
      return { type: m.stream, record: m.text };
    case 'initStart':
    case 'initRuntimeDone':
    case 'initReport':
      return undefined;
  }
}

function round2(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** A tenant-isolated invocation's tenant id, on the events of its invocation phase (the Telemetry API only). */
function tenant(tenantId: string | undefined): { tenantId?: string } {
  return tenantId ? { tenantId } : {};
}
