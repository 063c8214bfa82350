import { GlueTriggerError } from "./errors";
import { isRecord } from "./guards";

/** Whether retrying the same event can succeed. */
export type FailureKind = "permanent" | "transient";

/** Why, for the `reason` field of logs: this function's errors say it themselves ({@link GlueTriggerError.reason}). */
export type FailureReason =
  "permanent" | "run_still_finishing" | "invalid_response" | "throttling" | "server" | "network" | "timeout" | "unclassified";

/** How a failure is handled: permanent ones are alerted and returned, transient ones thrown for Lambda to retry. */
export interface ErrorClassification {
  readonly kind: FailureKind;
  readonly reason: FailureReason;
  /** The error's `name` (e.g. `EntityNotFoundException`). */
  readonly errorName: string;
  readonly errorMessage: string;
}

// Errors a retry cannot fix: the workflow or table does not exist, the role lacks a permission, or the
// request itself is wrong. The same names are used by Glue, DynamoDB and SNS; CloudWatch, a Query API,
// names them as its common errors do (CloudWatch API reference, Common Errors).
const PERMANENT_ERROR_NAMES: ReadonlySet<string> = new Set([
  "EntityNotFoundException",
  "AccessDeniedException",
  "InvalidInputException",
  "ValidationException",
  "ResourceNotFoundException",
  "AccessDenied",
  "InvalidParameterValue",
  "InvalidParameterCombination",
  "MissingParameter",
]);

const THROTTLING_ERROR_NAMES: ReadonlySet<string> = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ProvisionedThroughputExceededException",
]);

const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);

/**
 * Classifies a failure: this function's own errors by their `retryable` flag, SDK errors by `$fault`,
 * `$metadata.httpStatusCode` and `name`; anything unknown is transient.
 */
export function classifyError(error: unknown): ErrorClassification {
  const errorName = error instanceof Error ? error.name : typeof error;
  const errorMessage = error instanceof Error ? error.message : String(error);
  const classify = (kind: FailureKind, reason: FailureReason): ErrorClassification => ({
    kind,
    reason,
    errorName,
    errorMessage,
  });

  if (error instanceof GlueTriggerError) {
    return classify(error.retryable ? "transient" : "permanent", error.reason);
  }
  const fault = readField(error, "$fault");
  const metadata = readField(error, "$metadata");
  const statusCode = readField(metadata, "httpStatusCode");
  if (THROTTLING_ERROR_NAMES.has(errorName) || statusCode === 429) {
    return classify("transient", "throttling");
  }
  if (fault === "server" || (typeof statusCode === "number" && statusCode >= 500)) {
    return classify("transient", "server");
  }
  if (PERMANENT_ERROR_NAMES.has(errorName)) {
    return classify("permanent", "permanent");
  }
  const code = readField(error, "code");
  if (errorName === "TimeoutError" || code === "ETIMEDOUT") {
    return classify("transient", "timeout");
  }
  if (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) {
    return classify("transient", "network");
  }
  return classify("transient", "unclassified");
}

function readField(value: unknown, name: string): unknown {
  return isRecord(value) ? value[name] : undefined;
}
