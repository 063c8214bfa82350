import { ref, Token } from "cdktf";
import type { QualityEnvironmentConfig } from "../../../config/types";
import { DataQualityAlarms, validateQualitySettings, type DataQualityAlarmsProps } from "../../../modules/cloudwatch/data-quality-alarms";
import { dashboardBody } from "../../../modules/cloudwatch/dashboard-widget";
import { PipelineAlarms } from "../../../modules/cloudwatch/pipeline-alarms";
import { MetricCareValidationError } from "../../../modules/shared/errors";
import { testFunction, testTopic } from "../../support/construct-fixtures";
import { synthConstruct, type SynthesizedConstruct } from "../../support/construct-synth";
import { policyStatements } from "../../support/terraform-json";
import { testKey } from "../../support/test-context";

const THRESHOLDS: QualityEnvironmentConfig = {
  maxQuarantinePercent: 5,
  maxFileWaitMinutes: 90,
  maxGoldLagMinutes: 180,
  maxHoursWithoutNewFiles: 24,
};

/** The data-quality alarms of `metriccare/dev` over three Silver tables, notifying the fixture topic. */
function alarms(props: Partial<DataQualityAlarmsProps> = {}) {
  return synthConstruct((scope) => {
    const key = testKey(scope);
    return new DataQualityAlarms(scope, "data_quality", {
      region: "eu-west-1",
      namePrefix: "metriccare",
      nameSuffix: "dev",
      alertsTopic: testTopic(scope, key),
      namespace: "metriccare/dev",
      intakeJob: "bronze",
      validatingJob: "silver",
      tables: ["patient", "encounter", "condition"],
      thresholds: THRESHOLDS,
      ...props,
    });
  });
}

function actions(synthesized: SynthesizedConstruct<DataQualityAlarms>) {
  const topic = synthesized.ref("aws_sns_topic", "alerts/topic", "arn");
  return { alarm_actions: [topic], ok_actions: [topic] };
}

describe("DataQualityAlarms", () => {
  it.each([["patient"], ["encounter"], ["condition"]])(
    "alarms when a Silver run quarantines more than the environment's share of the %s records, until a run is below it",
    (table) => {
      // Act
      const synthesized = alarms();
      // Assess
      expect(synthesized.resource("aws_cloudwatch_metric_alarm", `data_quality/silver_${table}_quarantine_share`)).toEqual(
        expect.objectContaining({
          ...actions(synthesized),
          alarm_name: `metriccare_silver_${table}_quarantine_share_dev`,
          namespace: "metriccare/dev",
          metric_name: "QuarantinedPercent",
          dimensions: { Job: "silver", Table: table },
          statistic: "Maximum",
          threshold: 5,
          comparison_operator: "GreaterThanThreshold",
          period: 300,
          evaluation_periods: 1,
          // A run reports once: its figure stands until the next run's.
          treat_missing_data: "ignore",
        }),
      );
    },
  );

  it("alarms on Bronze's quarantined share of entries and on any failed file, per run", () => {
    // Act
    const synthesized = alarms();
    // Assess
    const alarm = (name: string) => synthesized.resource("aws_cloudwatch_metric_alarm", `data_quality/${name}`);
    expect(alarm("bronze_quarantine_share")).toEqual(
      expect.objectContaining({
        metric_name: "QuarantinedPercent",
        dimensions: { Job: "bronze" },
        statistic: "Maximum",
        threshold: 5,
        treat_missing_data: "ignore",
      }),
    );
    expect(alarm("files_failed")).toEqual(
      expect.objectContaining({
        ...actions(synthesized),
        alarm_name: "metriccare_files_failed_dev",
        namespace: "metriccare/dev",
        metric_name: "FilesFailed",
        dimensions: { Job: "bronze" },
        statistic: "Sum",
        threshold: 0,
        comparison_operator: "GreaterThanThreshold",
        treat_missing_data: "ignore",
      }),
    );
  });

  it.each([
    ["file_waiting", "OldestWaitingFileMinutes", 90, "more than 90 minutes"],
    ["gold_behind", "GoldBehindMinutes", 180, "more than 180 minutes"],
    ["no_new_files", "MinutesSinceNewestFile", 24 * 60, "more than 24 hours"],
  ])("alarms %s on the freshness check's %s above %p, over the check's 15-minute period", (name, metric, threshold, wording) => {
    // Act
    const synthesized = alarms();
    // Assess
    const alarm = synthesized.resource("aws_cloudwatch_metric_alarm", `data_quality/${name}`);
    expect(alarm).toEqual(
      expect.objectContaining({
        ...actions(synthesized),
        alarm_name: `metriccare_${name}_dev`,
        namespace: "metriccare/dev",
        metric_name: metric,
        statistic: "Maximum",
        threshold,
        comparison_operator: "GreaterThanThreshold",
        period: 900,
        evaluation_periods: 1,
        treat_missing_data: "notBreaching",
      }),
    );
    expect(alarm.dimensions).toBeUndefined();
    expect(String(alarm.alarm_description)).toContain(wording);
  });

  it("takes per-workspace thresholds as Terraform expressions, and creates the silent-feed alarm only where hours are set", () => {
    // Prepare
    const setting = (name: keyof QualityEnvironmentConfig) => Token.asNumber(ref(`local.environment.quality.${name}`));
    // Act
    const synthesized = alarms({
      thresholds: {
        maxQuarantinePercent: setting("maxQuarantinePercent"),
        maxFileWaitMinutes: setting("maxFileWaitMinutes"),
        maxGoldLagMinutes: setting("maxGoldLagMinutes"),
        maxHoursWithoutNewFiles: setting("maxHoursWithoutNewFiles"),
      },
    });
    // Assess
    const alarm = (name: string) => synthesized.resource("aws_cloudwatch_metric_alarm", `data_quality/${name}`);
    expect(alarm("silver_patient_quarantine_share").threshold).toBe("${local.environment.quality.maxQuarantinePercent}");
    expect(alarm("file_waiting").threshold).toBe("${local.environment.quality.maxFileWaitMinutes}");
    expect(alarm("gold_behind").threshold).toBe("${local.environment.quality.maxGoldLagMinutes}");
    expect(alarm("no_new_files").threshold).toBe("${(local.environment.quality.maxHoursWithoutNewFiles * 60)}");
    expect(alarm("no_new_files").count).toBe("${(local.environment.quality.maxHoursWithoutNewFiles >= 1) ? 1 : 0}");
    expect(String(alarm("silver_patient_quarantine_share").alarm_description)).toContain(
      "more than ${local.environment.quality.maxQuarantinePercent}% of the patient records",
    );
  });

  it("creates no silent-feed alarm where the hours are 0", () => {
    // Act
    const { built, json } = alarms({ thresholds: { ...THRESHOLDS, maxHoursWithoutNewFiles: 0 } });
    // Assess
    expect(built.alarms.no_new_files).toBeUndefined();
    expect(Object.values(json.resource?.aws_cloudwatch_metric_alarm ?? {}).map((a) => a.metric_name)).not.toContain(
      "MinutesSinceNewestFile",
    );
  });

  it("exposes its alarms by short name and lets the topic take alarms named metriccare_*_dev", () => {
    // Act
    const { json, built, dataRef } = alarms();
    // Assess
    expect(Object.keys(built.alarms).sort()).toEqual(
      [
        "bronze_quarantine_share",
        "file_waiting",
        "files_failed",
        "gold_behind",
        "no_new_files",
        "silver_condition_quarantine_share",
        "silver_encounter_quarantine_share",
        "silver_patient_quarantine_share",
      ].sort(),
    );
    expect(Object.keys(json.resource?.aws_cloudwatch_metric_alarm ?? {})).toHaveLength(8);
    const statements = policyStatements(json, dataRef("aws_iam_policy_document", "alerts/policy_document/document", "json"));
    expect(statements.filter((s) => s.sid === "CloudWatchAlarmsPublish")).toHaveLength(1);
  });

  it("adds one topic statement for the pipeline's alarms and its own, which share the name pattern", () => {
    // Act
    const { json, dataRef } = synthConstruct((scope) => {
      const key = testKey(scope);
      const topic = testTopic(scope, key);
      const fn = testFunction(scope, key);
      const quality = new DataQualityAlarms(scope, "data_quality", {
        region: "eu-west-1",
        namePrefix: "metriccare",
        nameSuffix: "dev",
        alertsTopic: topic,
        namespace: "metriccare/dev",
        intakeJob: "bronze",
        validatingJob: "silver",
        tables: ["patient"],
        thresholds: THRESHOLDS,
      });
      return new PipelineAlarms(scope, "cloudwatch", {
        region: "eu-west-1",
        namePrefix: "metriccare",
        nameSuffix: "dev",
        alertsTopic: topic,
        triggerFunction: fn,
        deadLetterQueues: {},
        glueJobs: {},
        moreWidgets: quality.widgets,
      });
    });
    // Assess
    const statements = policyStatements(json, dataRef("aws_iam_policy_document", "alerts/policy_document/document", "json"));
    expect(statements.filter((s) => s.sid === "CloudWatchAlarmsPublish")).toHaveLength(1);
    const body = JSON.parse(String(Object.values(json.resource?.aws_cloudwatch_dashboard ?? {})[0]?.dashboard_body)) as {
      widgets: { x: number; y: number; properties: { title: string } }[];
    };
    // The pipeline's four widgets, then the data-quality row, two per row.
    expect(body.widgets.map((w) => [w.properties.title, w.x, w.y])).toEqual([
      ["Trigger Lambda invocations and errors", 0, 0],
      ["Trigger Lambda duration (ms)", 12, 0],
      ["Dead-letter queue depth", 0, 6],
      ["Glue job errors", 12, 6],
      ["Quarantined share per run (%), alarm above 5", 0, 12],
      ["Records per silver run: read, accepted, quarantined", 12, 12],
      ["Files per bronze run", 0, 18],
      ["Freshness (minutes)", 12, 18],
    ]);
  });

  it("draws the data-quality row from the metrics the alarms watch", () => {
    // Act
    const { built } = alarms({ tables: ["patient"] });
    // Assess
    const metrics = built.widgets.map((widget) => widget.properties.metrics);
    expect(metrics).toEqual([
      [
        ["metriccare/dev", "QuarantinedPercent", "Job", "silver", "Table", "patient", { stat: "Maximum" }],
        ["metriccare/dev", "QuarantinedPercent", "Job", "bronze", { stat: "Maximum" }],
      ],
      [
        ["metriccare/dev", "RecordsRead", "Job", "silver", "Table", "patient", { stat: "Sum" }],
        ["metriccare/dev", "RecordsAccepted", "Job", "silver", "Table", "patient", { stat: "Sum" }],
        ["metriccare/dev", "RecordsQuarantined", "Job", "silver", "Table", "patient", { stat: "Sum" }],
      ],
      [
        ["metriccare/dev", "FilesProcessed", "Job", "bronze", { stat: "Sum" }],
        ["metriccare/dev", "FilesPartial", "Job", "bronze", { stat: "Sum" }],
        ["metriccare/dev", "FilesFailed", "Job", "bronze", { stat: "Sum" }],
      ],
      [
        ["metriccare/dev", "OldestWaitingFileMinutes", { stat: "Maximum" }],
        ["metriccare/dev", "GoldBehindMinutes", { stat: "Maximum" }],
        ["metriccare/dev", "MinutesSinceNewestFile", { stat: "Maximum" }],
      ],
    ]);
    expect(JSON.parse(dashboardBody(built.widgets)).widgets).toHaveLength(4);
  });

  it("refuses an empty table list", () => {
    // Act / Assess
    expect(() => alarms({ tables: [] })).toThrow(
      new MetricCareValidationError('DataQualityAlarms "data_quality"', "`tables` must name at least one table."),
    );
  });
});

describe("validateQualitySettings", () => {
  it.each<[Partial<QualityEnvironmentConfig>, string]>([
    [{ maxQuarantinePercent: 0 }, "`maxQuarantinePercent` must be above 0 and at most 100, got 0."],
    [{ maxQuarantinePercent: 100.5 }, "`maxQuarantinePercent` must be above 0 and at most 100, got 100.5."],
    [{ maxFileWaitMinutes: 29 }, "`maxFileWaitMinutes` must be an integer between 30 and 10080 minutes, got 29."],
    [{ maxGoldLagMinutes: 90.5 }, "`maxGoldLagMinutes` must be an integer between 30 and 10080 minutes, got 90.5."],
    [{ maxHoursWithoutNewFiles: -1 }, "`maxHoursWithoutNewFiles` must be an integer between 0 and 168 hours, got -1."],
  ])("rejects %p", (change, message) => {
    // Act / Assess
    expect(() => validateQualitySettings("Quality", { ...THRESHOLDS, ...change })).toThrow(
      new MetricCareValidationError("Quality", message),
    );
  });

  it("accepts the limits' edges: 100 %, 30 minutes, 7 days, 0 hours", () => {
    // Act / Assess
    expect(() =>
      validateQualitySettings("Quality", {
        maxQuarantinePercent: 100,
        maxFileWaitMinutes: 30,
        maxGoldLagMinutes: 10080,
        maxHoursWithoutNewFiles: 0,
      }),
    ).not.toThrow();
  });
});
