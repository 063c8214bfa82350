// What the freshness check publishes, read by the stack's alarms (modules/cloudwatch/data-quality-alarms.ts):
// one name for both sides. This module imports nothing, so the stack loads it without the SDK.

/** The metrics of one freshness check, in minutes (CloudWatch has no minute unit: `None`), without dimensions. */
export const FRESHNESS_METRICS = {
  /** Age of the oldest `PENDING` or `WAITING` file; 0 when none waits. */
  oldestWaitingFile: "OldestWaitingFileMinutes",
  /** Time since Bronze first took in data that Gold has not refreshed yet; 0 when Gold is current. */
  goldBehind: "GoldBehindMinutes",
  /** Time since the newest file was received; not published while the table holds no file. */
  sinceNewestFile: "MinutesSinceNewestFile",
} as const;

/** What one freshness check measured, in minutes, by the keys of {@link FRESHNESS_METRICS}; `sinceNewestFile` is absent while the table holds no file. */
export interface Freshness {
  readonly oldestWaitingFile: number;
  readonly goldBehind: number;
  readonly sinceNewestFile?: number;
}

/** The event (an EventBridge rule's constant input) that asks the function for a freshness check. */
export const FRESHNESS_CHECK_EVENT = { check: "freshness" } as const;

/** Minutes between two checks: the schedule of the check's rule and the period of the freshness alarms. */
export const FRESHNESS_CHECK_MINUTES = 15;
