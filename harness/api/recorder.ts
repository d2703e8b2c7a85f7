import type { ExchangeRecord } from './types.ts';

/** Bytes of each body kept in a record: enough to show a reader what was sent. */
export const DEFAULT_EXCERPT_BYTES = 2048;
const MAX_RECORDS = 20_000;

export function excerpt(body: Buffer | string | undefined, max: number): string {
  if (body === undefined) return '';
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  if (buf.length <= max) return buf.toString('utf8');
  return `${buf.subarray(0, max).toString('utf8')}… (${buf.length - max} more bytes)`;
}

export interface ExchangeLogMark {
  seq: number;
  added: number;
}

/** Keeps the exchanges of one environment. Disabled, it costs one branch per request. */
export class ExchangeLog {
  readonly enabled: boolean;
  readonly excerptBytes: number;
  readonly records: ExchangeRecord[] = [];
  #seq = 0;
  #added = 0;

  constructor(enabled: boolean, excerptBytes = DEFAULT_EXCERPT_BYTES) {
    this.enabled = enabled;
    this.excerptBytes = excerptBytes;
  }

  nextSeq(): number {
    return ++this.#seq;
  }

  add(record: ExchangeRecord): void {
    this.records.push(record);
    this.#added += 1;
    // a long `serve` keeps the newest records only
    if (this.records.length > MAX_RECORDS) this.records.splice(0, MAX_RECORDS / 2);
  }

  /** Where the log stands now; an invocation's exchanges are looked up from here (see forInvocation). */
  mark(): ExchangeLogMark {
    return { seq: this.#seq, added: this.#added };
  }

  /**
   * One invocation's exchanges: those that arrived after it was queued, and the /next that delivered
   * it (parked earlier, recorded when answered). Records are kept in answer order, so only those added
   * since the mark are looked at (this runs after every recorded invoke).
   */
  forInvocation(mark: ExchangeLogMark, requestId: string): ExchangeRecord[] {
    const from = Math.max(0, this.records.length - (this.#added - mark.added));
    const out: ExchangeRecord[] = [];
    for (let i = from; i < this.records.length; i++) {
      const r = this.records[i] as ExchangeRecord;
      if (r.seq > mark.seq || r.requestId === requestId) out.push(r);
    }
    return out;
  }
}
