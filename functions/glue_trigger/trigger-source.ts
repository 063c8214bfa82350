import { InvalidEventError } from "./errors";
import { FRESHNESS_CHECK_EVENT } from "./freshness-metrics";
import { isRecord, stringField } from "./guards";
import { parseS3Records, type IgnoredRecord, type S3ObjectNotice } from "./s3-records";

/** What invoked the function, as reported in results, logs and run properties. */
export type TriggerSource = "s3" | "schedule" | "glue_run_end" | "manual" | "freshness_check";

/** An S3 notification: the objects it created and the records left out. */
export interface S3Trigger {
  readonly source: "s3";
  readonly objects: readonly S3ObjectNotice[];
  readonly ignored: readonly IgnoredRecord[];
}

/** An EventBridge `Scheduled Event`. */
export interface ScheduleTrigger {
  readonly source: "schedule";
  /** ARNs of the rules that fired (`resources`). */
  readonly ruleArns: readonly string[];
}

/** A `Glue Job State Change` event from `aws.glue`. */
export interface GlueJobStateTrigger {
  readonly source: "glue_run_end";
  readonly jobName: string;
  /** Job run state: SUCCEEDED, FAILED, TIMEOUT, STOPPED, ... */
  readonly state: string;
  readonly jobRunId: string | undefined;
  /** `time` of the event: when the job reached the state. */
  readonly time: Date;
}

/** Anything else, e.g. `{}` or `{"force": true}` from the console or the CLI. */
export interface ManualTrigger {
  readonly source: "manual";
  /** `{"force": true}`: start a run even when no file is pending. */
  readonly force: boolean;
}

/** The freshness check's rule: `{"check": "freshness"}` (freshness-metrics.ts). */
export interface FreshnessCheckTrigger {
  readonly source: "freshness_check";
}

export type Trigger = S3Trigger | ScheduleTrigger | GlueJobStateTrigger | ManualTrigger | FreshnessCheckTrigger;

/** Recognises the trigger of an event; throws {@link InvalidEventError} for a recognised but malformed event. */
export function detectTrigger(event: unknown): Trigger {
  if (!isRecord(event)) {
    return { source: "manual", force: false };
  }
  if ("Records" in event) {
    if (!Array.isArray(event.Records)) {
      throw new InvalidEventError("s3", "S3 notification has a Records field that is not an array.");
    }
    const { objects, ignored } = parseS3Records(event.Records);
    return { source: "s3", objects, ignored };
  }
  const source = stringField(event, "source");
  const detailType = stringField(event, "detail-type");
  if (source === "aws.events" && detailType === "Scheduled Event") {
    const resources = Array.isArray(event.resources) ? event.resources : [];
    return { source: "schedule", ruleArns: resources.filter((arn): arn is string => typeof arn === "string") };
  }
  if (source === "aws.glue" && detailType === "Glue Job State Change") {
    return parseGlueJobStateChange(event);
  }
  if ("check" in event) {
    if (event.check !== FRESHNESS_CHECK_EVENT.check) {
      throw new InvalidEventError(
        "freshness_check",
        `Invocation has "check": ${JSON.stringify(event.check)}; the only check is ${JSON.stringify(FRESHNESS_CHECK_EVENT.check)}.`,
      );
    }
    return { source: "freshness_check" };
  }
  const force = event.force ?? false;
  if (typeof force !== "boolean") {
    throw new InvalidEventError("manual", `Manual invocation has "force": ${JSON.stringify(force)}; allowed are true and false.`);
  }
  return { source: "manual", force };
}

function parseGlueJobStateChange(event: Record<string, unknown>): GlueJobStateTrigger {
  const detail = event.detail;
  if (!isRecord(detail)) {
    throw new InvalidEventError("glue_run_end", 'Glue Job State Change event has no "detail" object.');
  }
  const jobName = stringField(detail, "jobName");
  const state = stringField(detail, "state");
  if (jobName === undefined || state === undefined) {
    throw new InvalidEventError("glue_run_end", "Glue Job State Change event has no detail.jobName or detail.state.");
  }
  const time = new Date(stringField(event, "time") ?? Number.NaN);
  if (Number.isNaN(time.getTime())) {
    throw new InvalidEventError("glue_run_end", 'Glue Job State Change event has no valid "time".');
  }
  return { source: "glue_run_end", jobName, state, jobRunId: stringField(detail, "jobRunId"), time };
}
