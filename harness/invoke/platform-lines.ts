/** Lambda's platform log lines (docs/requirements.md#logging), tab-separated as in raw CloudWatch logs. */

export const startLine = (requestId: string, version: string) => `START RequestId: ${requestId} Version: ${version}`;
export const endLine = (requestId: string) => `END RequestId: ${requestId}`;

export interface ReportFields {
  requestId: string;
  durationMs: number;
  billedMs: number;
  memorySizeMb: number;
  maxMemoryUsedMb: number | undefined;
  initDurationMs: number | undefined;
  status?: 'timeout' | 'error' | undefined;
  errorType?: string | undefined;
}

export function reportLine(f: ReportFields): string {
  const parts = [
    `REPORT RequestId: ${f.requestId}`,
    `Duration: ${f.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${f.billedMs} ms`,
    `Memory Size: ${f.memorySizeMb} MB`,
    `Max Memory Used: ${f.maxMemoryUsedMb ?? '-'} MB`,
  ];
  if (f.initDurationMs !== undefined) parts.push(`Init Duration: ${f.initDurationMs.toFixed(2)} ms`);
  if (f.status) parts.push(`Status: ${f.status}`);
  if (f.errorType) parts.push(`Error Type: ${f.errorType}`);
  return parts.join('\t');
}

export function initReportLine(durationMs: number, status: 'timeout' | 'error', errorType?: string): string {
  const parts = [`INIT_REPORT Init Duration: ${durationMs.toFixed(2)} ms`, 'Phase: init', `Status: ${status}`];
  if (errorType) parts.push(`Error Type: ${errorType}`);
  return parts.join('\t');
}
