import { readAlertingConfig, readConfig, requireProcessedFilesTable } from "../../../functions/glue_trigger/config";
import { ConfigurationError } from "../../../functions/glue_trigger/errors";

describe("readConfig", () => {
  it("reads every variable the stack sets", () => {
    // Prepare
    const env = {
      GLUE_WORKFLOW_NAME: "metriccare_etl_workflow_dev",
      GLUE_FINAL_JOB_NAME: "metriccare_gold_dev",
      PROCESSED_FILES_TABLE: "metriccare_processed_files_dev",
      PROCESSED_FILES_STATUS_INDEX: "by_status",
      MAX_CONSECUTIVE_FAILED_RUNS: "5",
      GLUE_MAX_RETRIES: "1",
      RUN_END_WAIT_SECONDS: "30",
    };

    // Act
    const config = readConfig(env);

    // Assess
    expect(config).toEqual({
      workflowName: "metriccare_etl_workflow_dev",
      finalJobName: "metriccare_gold_dev",
      processedFilesTable: "metriccare_processed_files_dev",
      processedFilesStatusIndex: "by_status",
      maxConsecutiveFailedRuns: 5,
      glueMaxRetries: 1,
      runEndWaitSeconds: 30,
    });
  });

  it("defaults the status index to status_index and leaves the optional variables unset", () => {
    // Act
    const config = readConfig({ GLUE_WORKFLOW_NAME: "wf" });

    // Assess
    expect(config).toEqual({
      workflowName: "wf",
      finalJobName: undefined,
      processedFilesTable: undefined,
      processedFilesStatusIndex: "status_index",
      maxConsecutiveFailedRuns: 3,
      glueMaxRetries: 0,
      runEndWaitSeconds: 20,
    });
  });

  it.each([
    ["MAX_CONSECUTIVE_FAILED_RUNS", "0", "an integer from 1 to 100"],
    ["MAX_CONSECUTIVE_FAILED_RUNS", "three", "an integer from 1 to 100"],
    ["GLUE_MAX_RETRIES", "11", "an integer from 0 to 10"],
    ["RUN_END_WAIT_SECONDS", "2.5", "an integer from 0 to 60"],
  ])("rejects %s=%s with a ConfigurationError naming the variable, the value and what is allowed", (name, value, allowed) => {
    // Act
    const read = () => readConfig({ GLUE_WORKFLOW_NAME: "wf", [name]: value });

    // Assess
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(`${name} must be ${allowed}, got "${value}".`);
  });

  it("treats blank values as unset", () => {
    // Act
    const config = readConfig({ GLUE_WORKFLOW_NAME: " wf ", GLUE_FINAL_JOB_NAME: "", PROCESSED_FILES_TABLE: "  " });

    // Assess
    expect(config.workflowName).toBe("wf");
    expect(config.finalJobName).toBeUndefined();
    expect(config.processedFilesTable).toBeUndefined();
  });

  it.each([
    ["missing", {}],
    ["blank", { GLUE_WORKFLOW_NAME: " " }],
  ])("throws a ConfigurationError naming GLUE_WORKFLOW_NAME when it is %s", (_, env) => {
    // Act
    const read = () => readConfig(env);

    // Assess
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow("GLUE_WORKFLOW_NAME is not set: set it to the name of the Glue workflow to start.");
  });
});

describe("readAlertingConfig", () => {
  it("reads the topic, environment and workflow without throwing when they are unset", () => {
    // Act
    const set = readAlertingConfig({
      ALERTS_TOPIC_ARN: "arn:aws:sns:eu-west-1:1:t",
      ENVIRONMENT: "prod",
      GLUE_WORKFLOW_NAME: "wf",
    });
    const unset = readAlertingConfig({});

    // Assess
    expect(set).toEqual({ topicArn: "arn:aws:sns:eu-west-1:1:t", environment: "prod", workflowName: "wf" });
    expect(unset).toEqual({ topicArn: undefined, environment: undefined, workflowName: undefined });
  });
});

describe("requireProcessedFilesTable", () => {
  it("returns the table when it is set", () => {
    // Act
    const table = requireProcessedFilesTable(readConfig({ GLUE_WORKFLOW_NAME: "wf", PROCESSED_FILES_TABLE: "t_dev" }), "S3 events");

    // Assess
    expect(table).toBe("t_dev");
  });

  it("throws a ConfigurationError naming PROCESSED_FILES_TABLE and what needed it", () => {
    // Act
    const requireTable = () => requireProcessedFilesTable(readConfig({ GLUE_WORKFLOW_NAME: "wf" }), "S3 events");

    // Assess
    expect(requireTable).toThrow(ConfigurationError);
    expect(requireTable).toThrow(
      "PROCESSED_FILES_TABLE is not set: S3 events need the processed-files table (docs/processed-files-table.md).",
    );
  });
});
