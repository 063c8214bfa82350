/** Raised when an environment variable the stack should set is missing or invalid. Never retried. */
export class ConfigurationError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}

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
  };
}

/** Reads what a failure alert needs; never throws. */
export function readAlertingConfig(env: Environment): AlertingConfig {
  return {
    topicArn: readOptional(env, "ALERTS_TOPIC_ARN"),
    environment: readOptional(env, "ENVIRONMENT"),
    workflowName: readOptional(env, "GLUE_WORKFLOW_NAME"),
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
