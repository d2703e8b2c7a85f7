/** Epoch milliseconds with sub-millisecond resolution (Date.now() has whole ms only). */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
