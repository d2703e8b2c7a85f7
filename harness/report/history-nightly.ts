/**
 * The nightly's folder: complete nights under history/, every attempt under attempts/, and the
 * published report at the top, replaced only when every lane of a night finished.
 *
 *   OUT/index.html, OUT/summary.md     the published report (last complete night + its history)
 *   OUT/lanes.json                     the last attempt: which lanes finished (a NightlyStatus)
 *   OUT/history/<night>/*.json         documents of complete nights, oldest first by name
 *   OUT/attempts/<night>/              every attempt's documents and logs, partial ones included
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDocument } from './history-documents.ts';
import type { LaneId, NightlyStatus } from './history-types.ts';

export interface NightLayout {
  out: string;
  night: string;
  attemptDir: string;
  historyDir: string;
}

/** A night's folder name: sortable, and valid on every file system. */
export function nightStamp(at: Date): string {
  return at.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
}

export function nightLayout(out: string, at: Date): NightLayout {
  const night = nightStamp(at);
  return { out, night, attemptDir: join(out, 'attempts', night), historyDir: join(out, 'history', night) };
}

/** Complete nights, oldest first, at most `keep` of the newest. */
export function completeNights(out: string, keep: number): string[] {
  const dir = join(out, 'history');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^\d{4}-\d\d-\d\dT/.test(n))
    .sort()
    .slice(-keep)
    .map((n) => join(dir, n));
}

export function nightDocuments(nightDir: string): string[] {
  return readdirSync(nightDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(nightDir, f));
}

/** The newest bench document of a lane in the complete nights: what tonight's bench compares with. */
export function lastBench(out: string, laneFile: string): string | undefined {
  for (const night of completeNights(out, Number.MAX_SAFE_INTEGER).reverse()) {
    const file = join(night, laneFile);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** When a lane last finished, from the complete nights (for the stale mark). */
export function lastFinished(out: string, lane: LaneId): string | undefined {
  for (const night of completeNights(out, Number.MAX_SAFE_INTEGER).reverse()) {
    for (const file of nightDocuments(night)) {
      try {
        const doc = loadDocument(file);
        if (doc.kind === 'nightly-status') continue;
        if (doc.snapshots.some((s) => s.runtime === lane.runtime && s.driver === lane.driver)) return doc.at;
      } catch {
        // an unreadable old document says nothing about the lane
      }
    }
  }
  return undefined;
}

export function nightlyStatus(attemptedAt: Date, lanes: NightlyStatus['lanes']): NightlyStatus {
  return { kind: 'bootspec-nightly-status', attemptedAt: attemptedAt.toISOString(), complete: lanes.every((l) => l.finished), lanes };
}
