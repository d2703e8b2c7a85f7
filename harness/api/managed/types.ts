/** Public shapes of the managed-instances Runtime API (harness/api/managed/). */

/** What the managed-instances mock counts, for scenarios and reports. */
export interface ManagedStats {
  /** Most invocations delivered and not yet answered at one time. */
  peakRunning: number;
  /** Most /next requests parked (idle workers) at one time. */
  peakIdle: number;
  /** /next requests refused because maxConcurrency workers were idle already (RAPID's Runtime.TooManyIdleRuntimes). */
  idleRefused: number;
  /** Late posts for a timed-out invocation, answered 410 InvokeTimeout. */
  lateRefused: number;
  /** Events handed out. */
  deliveries: number;
}
