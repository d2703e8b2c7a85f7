/**
 * bootspec's own external extension (runtimes-under-test/extension-probe) beside the runtime under
 * test: registers for INVOKE and SHUTDOWN and prints what it receives; with
 * EXTENSION_PROBE_TELEMETRY in the function's environment it also subscribes to telemetry and prints
 * every batch its listener is sent.
 */
import { chmodSync, cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssembledFiles } from '../environment/types.ts';
import type { ExecutionEnvironment } from '../invoke/execution-environment.ts';
import type { LogLine } from '../invoke/types.ts';
import type { ScenarioContext } from './context.ts';

export const PROBE_EXTENSION_NAME = 'bootspec-probe-extension';
const PROBE_EXTENSION = fileURLToPath(new URL(`../../runtimes-under-test/extension-probe/extensions/${PROBE_EXTENSION_NAME}`, import.meta.url));

/** The runtime's files with a private /opt that also holds the probe extension in /opt/extensions. */
export function withProbeExtension(t: ScenarioContext): AssembledFiles {
  const files = t.target.files;
  const optDir = mkdtempSync(join(t.target.workDir, 'opt-ext-'));
  // mkdtemp makes it 0700: the container's unprivileged function user must be able to enter /opt.
  chmodSync(optDir, 0o755);
  cpSync(files.optDir, optDir, { recursive: true });
  mkdirSync(join(optDir, 'extensions'), { recursive: true });
  cpSync(PROBE_EXTENSION, join(optDir, 'extensions', PROBE_EXTENSION_NAME));
  return { ...files, optDir };
}

/** The lifecycle of an environment as evidence: one line per step. */
export function lifecycleText(env: ExecutionEnvironment): string {
  const t0 = env.lifecycle[0]?.at ?? 0;
  return env.lifecycle.map((e) => `+${Math.round(e.at - t0)} ms ${e.kind}${e.detail ? ` (${e.detail})` : ''}`).join('\n');
}

/** One event as the Telemetry API sends it. */
export interface TelemetryEvent {
  time: string;
  type: string;
  record: unknown;
}

/** What the probe extension printed as `[name] WHAT {json}`, parsed, in order. */
export function probeSaid(lines: readonly LogLine[], what: string): unknown[] {
  const prefix = `[${PROBE_EXTENSION_NAME}] ${what} `;
  return lines.filter((l) => l.extension !== undefined && l.text.startsWith(prefix)).map((l) => JSON.parse(l.text.slice(prefix.length)) as unknown);
}

/** Every event the probe extension's listener was sent so far, in the order it was sent. */
export function telemetryReceived(env: ExecutionEnvironment): TelemetryEvent[] {
  return (probeSaid(env.logs, 'telemetry-batch') as { batch?: unknown }[]).flatMap((b) => (Array.isArray(b.batch) ? (b.batch as TelemetryEvent[]) : []));
}

/** How the probe extension's subscription was answered (`200 "OK"`, or the refusal), if it printed one yet. */
export function telemetrySubscription(env: ExecutionEnvironment): string | undefined {
  const answer = probeSaid(env.logs, 'telemetry-subscribe')[0] as { status: number; body: string } | undefined;
  return answer && `${answer.status} ${answer.body}`;
}
