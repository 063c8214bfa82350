import { ConfigurationError } from "./errors";

/** Configuration of one invocation, read from the environment variables the stack sets. */
export interface GlueTriggerConfig {
  /** Glue workflow to start (`GLUE_WORKFLOW_NAME`). */
  readonly workflowName: string;
  /**
   * Last job of the workflow (`GLUE_FINAL_JOB_NAME`): its `SUCCEEDED` state change ends a run.
   * @default - any terminal job state may end a run, and a run still reported as running is never retried
   */
  readonly finalJobName: string | undefined;
  /**
   * Processed-files table (`PROCESSED_FILES_TABLE`), see docs/processed-files-table.md.
   * @default - none: S3 and Glue run-end events fail with a ConfigurationError
   */
  readonly processedFilesTable: string | undefined;
  /**
   * GSI on (`status`, `received_at`) of the processed-files table (`PROCESSED_FILES_STATUS_INDEX`).
   * @default "status_index"
   */
  readonly processedFilesStatusIndex: string;
  /**
   * Runs in a row that may fail without processing any file before no follow-up is started and the
   * pipeline is reported stuck (`MAX_CONSECUTIVE_FAILED_RUNS`, an integer of at least 1).
   * @default 3
   */
  readonly maxConsecutiveFailedRuns: number;
  /**
   * Retries Glue makes of a failed job run (`GLUE_MAX_RETRIES`, the jobs' `max_retries`): a failed attempt
   * below it is not the end of the run.
   * @default 0
   */
  readonly glueMaxRetries: number;
  /**
   * Seconds a run-end event waits for Glue to report the ended run over before it is retried
   * (`RUN_END_WAIT_SECONDS`, 0 to 60).
   * @default 20
   */
  readonly runEndWaitSeconds: number;
}

/** What a failure alert needs; read apart from {@link GlueTriggerConfig} so that a missing variable can still be alerted. */
export interface AlertingConfig {
  /**
   * SNS topic for failure alerts (`ALERTS_TOPIC_ARN`).
   * @default - no alert is published; the failure is only logged
   */
  readonly topicArn: string | undefined;
  /**
   * Environment name for alerts and logs (`ENVIRONMENT`): dev, staging or prod.
   * @default - alerts say the environment is unset
   */
  readonly environment: string | undefined;
  /**
   * Glue workflow named in alerts (`GLUE_WORKFLOW_NAME`).
   * @default - alerts say the workflow is unset
   */
  readonly workflowName: string | undefined;
  /**
   * Region of the console links in alerts (`AWS_REGION`, set by Lambda).
   * @default - alerts carry no console link
   */
  readonly region: string | undefined;
}

type Environment = Readonly<Record<string, string | undefined>>;

const DEFAULT_STATUS_INDEX = "status_index";

/** Reads the configuration; throws a {@link ConfigurationError} naming `GLUE_WORKFLOW_NAME` when it is not set. */
export function readConfig(env: Environment): GlueTriggerConfig {
  const workflowName = readOptional(env, "GLUE_WORKFLOW_NAME");
  if (workflowName === undefined) {
    throw new ConfigurationError("GLUE_WORKFLOW_NAME is not set: set it to the name of the Glue workflow to start.");
  }
  return {
    workflowName,
    finalJobName: readOptional(env, "GLUE_FINAL_JOB_NAME"),
    processedFilesTable: readOptional(env, "PROCESSED_FILES_TABLE"),
    processedFilesStatusIndex: readOptional(env, "PROCESSED_FILES_STATUS_INDEX") ?? DEFAULT_STATUS_INDEX,
    maxConsecutiveFailedRuns: readInteger(env, "MAX_CONSECUTIVE_FAILED_RUNS", 3, 1, 100),
    glueMaxRetries: readInteger(env, "GLUE_MAX_RETRIES", 0, 0, 10),
    runEndWaitSeconds: readInteger(env, "RUN_END_WAIT_SECONDS", 20, 0, 60),
  };
}

/** Reads what a failure alert needs; never throws. */
export function readAlertingConfig(env: Environment): AlertingConfig {
  return {
    topicArn: readOptional(env, "ALERTS_TOPIC_ARN"),
    environment: readOptional(env, "ENVIRONMENT"),
    workflowName: readOptional(env, "GLUE_WORKFLOW_NAME"),
    region: readOptional(env, "AWS_REGION"),
  };
}

/** The processed-files table, or a {@link ConfigurationError} naming `PROCESSED_FILES_TABLE` and what needed it. */
export function requireProcessedFilesTable(config: GlueTriggerConfig, neededFor: string): string {
  if (config.processedFilesTable === undefined) {
    throw new ConfigurationError(
      `PROCESSED_FILES_TABLE is not set: ${neededFor} need the processed-files table (docs/processed-files-table.md).`,
    );
  }
  return config.processedFilesTable;
}

// An empty or blank value is a templating mistake in the stack, not a value: treat it as unset.
function readOptional(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function readInteger(env: Environment, name: string, fallback: number, min: number, max: number): number {
  const raw = readOptional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigurationError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}.`);
  }
  return value;
}
