import { ConfigurationError } from "./errors";

/**
 * Configuration of one invocation: the environment variables the stack sets, every one required. The function
 * has no defaults of its own; the stack's values are the only ones.
 */
export interface GlueTriggerConfig {
  /** Glue workflow to start (`GLUE_WORKFLOW_NAME`). */
  readonly workflowName: string;
  /** First job of the workflow (`GLUE_FIRST_JOB_NAME`, Bronze): its `SUCCEEDED` state change means Gold is behind until the final job's. */
  readonly firstJobName: string;
  /** Last job of the workflow (`GLUE_FINAL_JOB_NAME`): its `SUCCEEDED` state change ends a run and refreshes Gold. */
  readonly finalJobName: string;
  /** SNS topic of the failure and pipeline-stuck alerts (`ALERTS_TOPIC_ARN`). */
  readonly alertsTopicArn: string;
  /** Processed-files table (`PROCESSED_FILES_TABLE`), see docs/processed-files-table.md. */
  readonly processedFilesTable: string;
  /** GSI on (`status`, `received_at`) of the processed-files table (`PROCESSED_FILES_STATUS_INDEX`). */
  readonly processedFilesStatusIndex: string;
  /** Environment named in logs and alerts (`ENVIRONMENT`). */
  readonly environment: string;
  /** CloudWatch namespace of the freshness metrics (`METRICS_NAMESPACE`), the one the function may publish to. */
  readonly metricsNamespace: string;
  /**
   * Runs in a row that may fail without processing any file before no follow-up is started and the
   * pipeline is reported stuck (`MAX_CONSECUTIVE_FAILED_RUNS`, 1 to 100).
   */
  readonly maxConsecutiveFailedRuns: number;
  /** Retries Glue makes of a failed job run (`GLUE_MAX_RETRIES`, the jobs' `max_retries`, 0 to 10): a failed attempt below it is not the end of the run. */
  readonly glueMaxRetries: number;
  /** Seconds a run-end event waits for Glue to report the ended run over before it is retried (`RUN_END_WAIT_SECONDS`, 0 to 60). */
  readonly runEndWaitSeconds: number;
  /** Level of the function's logs (`LOG_LEVEL`); Powertools' Logger reads it when it loads. */
  readonly logLevel: LogLevel;
  /** `service` of every log line (`POWERTOOLS_SERVICE_NAME`); Powertools' Logger reads it when it loads. */
  readonly serviceName: string;
}

/** What a failure report needs, read apart from {@link GlueTriggerConfig} and never validated, so that a missing or invalid variable can still be reported. */
export interface AlertingConfig {
  /** SNS topic for failure alerts (`ALERTS_TOPIC_ARN`); `undefined` when unset: the failure is only logged. */
  readonly topicArn: string | undefined;
  /** Environment named in alerts and logs (`ENVIRONMENT`); `undefined` when unset: alerts say so. */
  readonly environment: string | undefined;
  /** Glue workflow named in alerts (`GLUE_WORKFLOW_NAME`); `undefined` when unset: alerts say so. */
  readonly workflowName: string | undefined;
  /** Region of the console links in alerts (`AWS_REGION`, set by Lambda, not the stack); `undefined`: no links. */
  readonly region: string | undefined;
}

/** The levels Powertools' Logger takes. */
export const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

type Environment = Readonly<Record<string, string | undefined>>;

/** One environment variable: its name, what it may hold (worded for the error message) and how it is parsed. */
interface Variable<T> {
  readonly name: string;
  readonly allowed: string;
  /** The value, or `undefined` when the text is not allowed. */
  parse(text: string): T | undefined;
}

const text = (name: string, allowed: string): Variable<string> => ({ name, allowed, parse: (value) => value });

const integer = (name: string, min: number, max: number): Variable<number> => ({
  name,
  allowed: `an integer from ${min} to ${max}`,
  parse: (value) => (/^\d+$/.test(value) && Number(value) >= min && Number(value) <= max ? Number(value) : undefined),
});

const oneOf = <T extends string>(name: string, values: readonly T[]): Variable<T> => ({
  name,
  allowed: `one of ${values.join(", ")}`,
  parse: (value) => values.find((allowed) => allowed === value),
});

const pattern = (name: string, regex: RegExp, allowed: string): Variable<string> => ({
  name,
  allowed,
  parse: (value) => (regex.test(value) ? value : undefined),
});

// Each field of the configuration and the variable it is read from: the compiler holds the two to one another.
const VARIABLES = {
  workflowName: text("GLUE_WORKFLOW_NAME", "the name of the Glue workflow to start"),
  firstJobName: text("GLUE_FIRST_JOB_NAME", "the name of the workflow's first job"),
  finalJobName: text("GLUE_FINAL_JOB_NAME", "the name of the workflow's last job"),
  alertsTopicArn: pattern("ALERTS_TOPIC_ARN", /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/, "an SNS topic ARN"),
  processedFilesTable: text("PROCESSED_FILES_TABLE", "the name of the processed-files table (docs/processed-files-table.md)"),
  processedFilesStatusIndex: text("PROCESSED_FILES_STATUS_INDEX", "the name of the processed-files table's index on (status, received_at)"),
  environment: text("ENVIRONMENT", "the name of the environment, e.g. dev"),
  // 1 to 255 printable ASCII characters, not starting with ":" or "AWS/" (CloudWatch API reference, PutMetricData and Metric).
  metricsNamespace: pattern(
    "METRICS_NAMESPACE",
    /^(?!:|AWS\/)[\x20-\x7E]{1,255}$/,
    'a CloudWatch namespace such as "metriccare/dev" (1 to 255 printable ASCII characters, not starting with ":" or "AWS/")',
  ),
  maxConsecutiveFailedRuns: integer("MAX_CONSECUTIVE_FAILED_RUNS", 1, 100),
  glueMaxRetries: integer("GLUE_MAX_RETRIES", 0, 10),
  runEndWaitSeconds: integer("RUN_END_WAIT_SECONDS", 0, 60),
  logLevel: oneOf("LOG_LEVEL", LOG_LEVELS),
  serviceName: text("POWERTOOLS_SERVICE_NAME", "the service name of the function's log lines"),
} satisfies { readonly [K in keyof GlueTriggerConfig]: Variable<GlueTriggerConfig[K]> };

/** The environment variables the function reads from the stack, every one required. */
export const CONFIG_VARIABLES: readonly string[] = Object.values(VARIABLES).map((variable) => variable.name);

/** Reads the configuration; throws a {@link ConfigurationError} naming the first variable that is unset or invalid, its value and what is allowed. */
export function readConfig(env: Environment): GlueTriggerConfig {
  const read = <T>(variable: Variable<T>): T => readVariable(env, variable);
  return {
    workflowName: read(VARIABLES.workflowName),
    firstJobName: read(VARIABLES.firstJobName),
    finalJobName: read(VARIABLES.finalJobName),
    alertsTopicArn: read(VARIABLES.alertsTopicArn),
    processedFilesTable: read(VARIABLES.processedFilesTable),
    processedFilesStatusIndex: read(VARIABLES.processedFilesStatusIndex),
    environment: read(VARIABLES.environment),
    metricsNamespace: read(VARIABLES.metricsNamespace),
    maxConsecutiveFailedRuns: read(VARIABLES.maxConsecutiveFailedRuns),
    glueMaxRetries: read(VARIABLES.glueMaxRetries),
    runEndWaitSeconds: read(VARIABLES.runEndWaitSeconds),
    logLevel: read(VARIABLES.logLevel),
    serviceName: read(VARIABLES.serviceName),
  };
}

/** Reads what a failure report needs; never throws. */
export function readAlertingConfig(env: Environment): AlertingConfig {
  return {
    topicArn: readText(env, "ALERTS_TOPIC_ARN"),
    environment: readText(env, "ENVIRONMENT"),
    workflowName: readText(env, "GLUE_WORKFLOW_NAME"),
    region: readText(env, "AWS_REGION"),
  };
}

function readVariable<T>(env: Environment, variable: Variable<T>): T {
  const raw = readText(env, variable.name);
  if (raw === undefined) {
    throw new ConfigurationError(`${variable.name} is not set: set it to ${variable.allowed}.`);
  }
  const value = variable.parse(raw);
  if (value === undefined) {
    throw new ConfigurationError(`${variable.name} must be ${variable.allowed}, got ${JSON.stringify(raw)}.`);
  }
  return value;
}

// An empty or blank value is a templating mistake in the stack, not a value: it counts as unset.
function readText(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}
