import { CONFIG_VARIABLES, readAlertingConfig, readConfig } from "../../../functions/glue_trigger/config";
import { ConfigurationError } from "../../../functions/glue_trigger/errors";
import { LAMBDA_LOG_LEVELS } from "../../../modules/lambda_function/validate";
import { testEnvironment } from "./fixtures";

describe("readConfig", () => {
  it("reads every variable the stack sets", () => {
    // Prepare
    const env = {
      GLUE_WORKFLOW_NAME: "metriccare_etl_workflow_dev",
      GLUE_FIRST_JOB_NAME: "metriccare_bronze_dev",
      GLUE_FINAL_JOB_NAME: "metriccare_gold_dev",
      ALERTS_TOPIC_ARN: "arn:aws:sns:eu-west-1:123456789012:metriccare-alerts-dev",
      PROCESSED_FILES_TABLE: "metriccare_processed_files_dev",
      PROCESSED_FILES_STATUS_INDEX: "by_status",
      ENVIRONMENT: "dev",
      METRICS_NAMESPACE: "metriccare/dev",
      MAX_CONSECUTIVE_FAILED_RUNS: "5",
      GLUE_MAX_RETRIES: "1",
      RUN_END_WAIT_SECONDS: "30",
      LOG_LEVEL: "DEBUG",
      POWERTOOLS_SERVICE_NAME: "metriccare-glue-trigger",
    };

    // Act
    const config = readConfig(env);

    // Assess
    expect(config).toStrictEqual({
      workflowName: "metriccare_etl_workflow_dev",
      firstJobName: "metriccare_bronze_dev",
      finalJobName: "metriccare_gold_dev",
      alertsTopicArn: "arn:aws:sns:eu-west-1:123456789012:metriccare-alerts-dev",
      processedFilesTable: "metriccare_processed_files_dev",
      processedFilesStatusIndex: "by_status",
      environment: "dev",
      metricsNamespace: "metriccare/dev",
      maxConsecutiveFailedRuns: 5,
      glueMaxRetries: 1,
      runEndWaitSeconds: 30,
      logLevel: "DEBUG",
      serviceName: "metriccare-glue-trigger",
    });
    expect(Object.keys(env).sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it.each([
    ["GLUE_WORKFLOW_NAME", "the name of the Glue workflow to start"],
    ["GLUE_FIRST_JOB_NAME", "the name of the workflow's first job"],
    ["GLUE_FINAL_JOB_NAME", "the name of the workflow's last job"],
    ["ALERTS_TOPIC_ARN", "an SNS topic ARN"],
    ["PROCESSED_FILES_TABLE", "the name of the processed-files table (docs/processed-files-table.md)"],
    ["PROCESSED_FILES_STATUS_INDEX", "the name of the processed-files table's index on (status, received_at)"],
    ["ENVIRONMENT", "the name of the environment, e.g. dev"],
    [
      "METRICS_NAMESPACE",
      'a CloudWatch namespace such as "metriccare/dev" (1 to 255 printable ASCII characters, not starting with ":" or "AWS/")',
    ],
    ["MAX_CONSECUTIVE_FAILED_RUNS", "an integer from 1 to 100"],
    ["GLUE_MAX_RETRIES", "an integer from 0 to 10"],
    ["RUN_END_WAIT_SECONDS", "an integer from 0 to 60"],
    ["LOG_LEVEL", "one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT"],
    ["POWERTOOLS_SERVICE_NAME", "the service name of the function's log lines"],
  ])("has no default for %s: unset or blank, it is a ConfigurationError saying what to set", (name, allowed) => {
    // Prepare
    const unset = { ...testEnvironment(), [name]: undefined };
    const blank = { ...testEnvironment(), [name]: "  " };

    // Act
    const readUnset = () => readConfig(unset);
    const readBlank = () => readConfig(blank);

    // Assess
    expect(readUnset).toThrow(ConfigurationError);
    expect(readUnset).toThrow(`${name} is not set: set it to ${allowed}.`);
    expect(readBlank).toThrow(`${name} is not set: set it to ${allowed}.`);
  });

  it.each([
    ["MAX_CONSECUTIVE_FAILED_RUNS", "0", "an integer from 1 to 100"],
    ["MAX_CONSECUTIVE_FAILED_RUNS", "three", "an integer from 1 to 100"],
    ["MAX_CONSECUTIVE_FAILED_RUNS", "101", "an integer from 1 to 100"],
    ["GLUE_MAX_RETRIES", "11", "an integer from 0 to 10"],
    ["GLUE_MAX_RETRIES", "-1", "an integer from 0 to 10"],
    ["RUN_END_WAIT_SECONDS", "2.5", "an integer from 0 to 60"],
    ["RUN_END_WAIT_SECONDS", "61", "an integer from 0 to 60"],
    ["LOG_LEVEL", "VERBOSE", "one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT"],
    ["LOG_LEVEL", "debug", "one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT"],
    ["ALERTS_TOPIC_ARN", "metriccare-alerts-dev", "an SNS topic ARN"],
    ["ALERTS_TOPIC_ARN", "arn:aws:sqs:eu-west-1:123456789012:metriccare-alerts-dev", "an SNS topic ARN"],
    // CloudWatch API reference, Metric: Namespace pattern [^:].*, 1 to 255; "AWS/" is reserved for AWS services.
    [
      "METRICS_NAMESPACE",
      ":metriccare",
      'a CloudWatch namespace such as "metriccare/dev" (1 to 255 printable ASCII characters, not starting with ":" or "AWS/")',
    ],
    [
      "METRICS_NAMESPACE",
      "AWS/Lambda",
      'a CloudWatch namespace such as "metriccare/dev" (1 to 255 printable ASCII characters, not starting with ":" or "AWS/")',
    ],
    [
      "METRICS_NAMESPACE",
      "x".repeat(256),
      'a CloudWatch namespace such as "metriccare/dev" (1 to 255 printable ASCII characters, not starting with ":" or "AWS/")',
    ],
    [
      "METRICS_NAMESPACE",
      "metriccare/d\u00e9v",
      'a CloudWatch namespace such as "metriccare/dev" (1 to 255 printable ASCII characters, not starting with ":" or "AWS/")',
    ],
  ])("rejects %s=%s with a ConfigurationError naming the variable, the value and what is allowed", (name, value, allowed) => {
    // Act
    const read = () => readConfig({ ...testEnvironment(), [name]: value });

    // Assess
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(`${name} must be ${allowed}, got "${value}".`);
  });

  it.each(["metriccare/dev", "MetricCare/prod-eu", "a", "x".repeat(255)])("takes the CloudWatch namespace %s", (namespace) => {
    // Act
    const config = readConfig({ ...testEnvironment(), METRICS_NAMESPACE: namespace });

    // Assess
    expect(config.metricsNamespace).toBe(namespace);
  });

  it.each([...LAMBDA_LOG_LEVELS])("takes the stack's log level %s", (level) => {
    // Act
    const config = readConfig({ ...testEnvironment(), LOG_LEVEL: level });

    // Assess
    expect(config.logLevel).toBe(level);
  });

  it("trims the values", () => {
    // Act
    const config = readConfig({ ...testEnvironment(), GLUE_WORKFLOW_NAME: " wf ", RUN_END_WAIT_SECONDS: " 5 " });

    // Assess
    expect([config.workflowName, config.runEndWaitSeconds]).toEqual(["wf", 5]);
  });
});

describe("readAlertingConfig", () => {
  it("reads the topic, environment, workflow and region", () => {
    // Act
    const alerting = readAlertingConfig({
      ALERTS_TOPIC_ARN: "arn:aws:sns:eu-west-1:1:t",
      ENVIRONMENT: "prod",
      GLUE_WORKFLOW_NAME: "wf",
      AWS_REGION: "eu-west-1",
    });

    // Assess
    expect(alerting).toStrictEqual({ topicArn: "arn:aws:sns:eu-west-1:1:t", environment: "prod", workflowName: "wf", region: "eu-west-1" });
  });

  it("never throws, so that a missing variable can still be reported", () => {
    // Act
    const alerting = readAlertingConfig({ ENVIRONMENT: " " });

    // Assess
    expect(alerting).toStrictEqual({ topicArn: undefined, environment: undefined, workflowName: undefined, region: undefined });
  });
});
