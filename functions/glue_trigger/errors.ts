import type { FailureReason } from "./error-classification";
import type { TriggerSource } from "./trigger-source";

/**
 * Base of the errors this function raises itself. The classifier reads {@link retryable} and {@link reason};
 * SDK errors are classified by their `$fault`, HTTP status and name instead. Never thrown itself.
 */
export abstract class GlueTriggerError extends Error {
  /**
   * Whether the same event can succeed when run again: thrown for Lambda's asynchronous retry, else alerted
   * and returned as `failed`.
   */
  public readonly retryable: boolean = false;
  /** The `reason` field of the failure's log entry. */
  public readonly reason: FailureReason = "permanent";

  protected constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "GlueTriggerError";
  }
}

/** An environment variable the stack sets is missing or invalid. Not retryable: the stack has to be fixed. */
export class ConfigurationError extends GlueTriggerError {
  public constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}

/** An event this function cannot act on (e.g. a Glue event without `detail`). Not retryable: the event stays as it is. */
export class InvalidEventError extends GlueTriggerError {
  public constructor(
    /** Source the event claimed to come from. */
    public readonly triggerSource: TriggerSource,
    message: string,
  ) {
    super(message);
    this.name = "InvalidEventError";
  }
}

/**
 * The final job's state change arrived while Glue still reports its workflow run as running (it does for a
 * few seconds). Retryable: Lambda's asynchronous retry runs the event again a minute later.
 */
export class RunStillFinishingError extends GlueTriggerError {
  public override readonly retryable = true;
  public override readonly reason = "run_still_finishing";

  public constructor(
    /** The run that is finishing. */
    public readonly runId: string,
    message: string,
  ) {
    super(message);
    this.name = "RunStillFinishingError";
  }
}

/** Glue answered a workflow call in a way its API does not allow (e.g. no RunId). Retryable: the next answer may be whole. */
export class WorkflowRunError extends GlueTriggerError {
  public override readonly retryable = true;
  public override readonly reason = "invalid_response";

  public constructor(message: string) {
    super(message);
    this.name = "WorkflowRunError";
  }
}
