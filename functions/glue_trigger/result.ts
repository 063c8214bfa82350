import type { Freshness } from "./freshness-metrics";
import type { TriggerSource } from "./trigger-source";

/** What one invocation did. */
export type TriggerStatus = "started" | "skipped" | "checked" | "failed";

/** The handler's return value (JSON), as the seed promises: workflow, run id, trigger source and status. */
export interface GlueTriggerResult {
  /** `null` only when `GLUE_WORKFLOW_NAME` is not set. */
  readonly workflowName: string | null;
  /** The run this invocation started, else `null`. */
  readonly runId: string | null;
  readonly triggerSource: TriggerSource;
  readonly status: TriggerStatus;
  /** One sentence saying what happened and why. */
  readonly message: string;
  /** The run that was already active, when that is why nothing was started. */
  readonly activeRunId?: string;
  /** S3 events: objects recorded as `PENDING` by this invocation. */
  readonly newFiles?: number;
  /** S3 events: objects recorded by an earlier, failed attempt at this event and handled now. */
  readonly resumedFiles?: number;
  /** S3 events: objects already recorded and handled (duplicate notifications). */
  readonly duplicateFiles?: number;
  /** S3 events: records that are not ObjectCreated or are malformed, logged and left out. */
  readonly ignoredRecords?: number;
  /** Freshness checks: what was measured and published. */
  readonly freshness?: Freshness;
  /** `failed` only: the error's name, e.g. `EntityNotFoundException`. */
  readonly errorName?: string;
}

/** `1 new file`, `2 new files`. */
export function newFiles(count: number): string {
  return `${count} new ${count === 1 ? "file" : "files"}`;
}
