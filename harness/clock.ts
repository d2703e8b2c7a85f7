/** Epoch milliseconds with sub-millisecond resolution (Date.now() has whole ms only). */
// timeOrigin is fixed for the process; its getter is not free, and now() is on every invoke's path.
const origin = performance.timeOrigin;

export function now(): number {
  return origin + performance.now();
}
