import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { conditional, Op, Token } from "cdktf";
import { Construct } from "constructs";
import type { QualityEnvironmentConfig } from "../../config/types";
import { FRESHNESS_CHECK_MINUTES, FRESHNESS_METRICS } from "../../functions/glue_trigger/freshness-metrics";
import type { AlertsTopic } from "../aws_sns/alerts-topic";
import { MetricCareValidationError } from "../shared/errors";
import { show, validateIntegerRange } from "../shared/validation";
import { metricWidget, type DashboardWidget } from "./dashboard-widget";

/** What every Glue job run publishes from its run report (etl/metriccare_etl/quality_metrics.py), by name. */
export const JOB_RUN_METRICS = {
  /** Records (Silver: rows read from Bronze; Bronze: bundle entries) per table, dimensions `Job`, `Table`. */
  recordsRead: "RecordsRead",
  /** Records that passed validation, dimensions `Job`, `Table`. */
  recordsAccepted: "RecordsAccepted",
  /** Records quarantined, dimensions `Job`, `Table`, and `Job`, `Table`, `Reason` per reason. */
  recordsQuarantined: "RecordsQuarantined",
  /** Quarantined share of the records read, in percent: per table (`Job`, `Table`) and per run (`Job`). */
  quarantinedPercent: "QuarantinedPercent",
  /** Bronze: files whose every entry landed, dimension `Job`. */
  filesProcessed: "FilesProcessed",
  /** Bronze: files that landed nothing (malformed or unreadable; quarantined whole), dimension `Job`. */
  filesFailed: "FilesFailed",
  /** Bronze: files whose good entries landed while some were quarantined, dimension `Job`. */
  filesPartial: "FilesPartial",
} as const;

/** Props for {@link DataQualityAlarms}. */
export interface DataQualityAlarmsProps {
  /** Region of the dashboard widgets' metrics. */
  readonly region: string;
  /** Alarm names are `<namePrefix>_<what>_<nameSuffix>`, as {@link PipelineAlarms} names its own. */
  readonly namePrefix: string;
  /** See `namePrefix`. */
  readonly nameSuffix: string;
  /** Topic every alarm notifies (on alarm and on recovery). */
  readonly alertsTopic: AlertsTopic;
  /** CloudWatch namespace the jobs and the trigger's freshness check publish to (`<project>/<env>`). */
  readonly namespace: string;
  /** Job name (`Job` dimension) of the intake layer, whose files can fail, e.g. `bronze`. */
  readonly intakeJob: string;
  /** Job name of the validating layer, whose quarantine share is watched per table, e.g. `silver`. */
  readonly validatingJob: string;
  /** Tables of the validating layer (`Table` dimension), e.g. `patient`. */
  readonly tables: readonly string[];
  /** The environment's thresholds (`quality` in the configuration); each may be a per-workspace expression. */
  readonly thresholds: QualityEnvironmentConfig;
}

type AlarmMetric = Pick<
  CloudwatchMetricAlarmConfig,
  "metricName" | "dimensions" | "statistic" | "threshold" | "period" | "treatMissingData"
> &
  Partial<Pick<CloudwatchMetricAlarmConfig, "count">>;

/**
 * How good and how fresh the data is, as alarms to the alerts topic: a job run that quarantined more
 * than the environment's share of a table (Silver) or of its entries (Bronze), a file that failed,
 * a file waiting too long for a run, Gold behind Bronze for too long, and (where configured) a feed
 * that sent nothing for too many hours. The README's Operations section says what each one means
 * and what to do. Per-run alarms keep their state until the next run reports (missing data is
 * ignored); the freshness alarms read the trigger's check every {@link FRESHNESS_CHECK_MINUTES} minutes.
 */
export class DataQualityAlarms extends Construct {
  /** The alarms, by short name. */
  public readonly alarms: Readonly<Record<string, CloudwatchMetricAlarm>>;
  /** The dashboard row of these metrics, for the pipeline dashboard. */
  public readonly widgets: readonly DashboardWidget[];

  public constructor(scope: Construct, id: string, props: DataQualityAlarmsProps) {
    super(scope, id);
    if (props.tables.length === 0)
      throw new MetricCareValidationError(`DataQualityAlarms "${id}"`, "`tables` must name at least one table.");
    validateQualitySettings(`DataQualityAlarms "${id}"`, props.thresholds, "thresholds.");
    const name = (what: string): string => `${props.namePrefix}_${what}_${props.nameSuffix}`;
    const { thresholds, namespace } = props;
    const topicArn = props.alertsTopic.topicArn;
    const alarms: Record<string, CloudwatchMetricAlarm> = {};
    const alarm = (key: string, description: string, metric: AlarmMetric): void => {
      alarms[key] = new CloudwatchMetricAlarm(this, key, {
        alarmName: name(key),
        alarmDescription: description,
        namespace,
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 1,
        alarmActions: [topicArn],
        okActions: [topicArn],
        ...metric,
      });
    };
    const percent = Token.asString(thresholds.maxQuarantinePercent);
    // A run publishes once: its figure stands until the next run reports.
    const perRun = { period: 300, treatMissingData: "ignore" } as const;
    const freshness = { period: FRESHNESS_CHECK_MINUTES * 60, statistic: "Maximum", treatMissingData: "notBreaching" } as const;

    for (const table of props.tables) {
      alarm(
        `${props.validatingJob}_${table}_quarantine_share`,
        `A ${props.validatingJob} run quarantined more than ${percent}% of the ${table} records it read: the feed sends records that fail validation (each row's reasons are in the quarantine table). Stays in alarm until a run is below the limit.`,
        {
          ...perRun,
          metricName: JOB_RUN_METRICS.quarantinedPercent,
          dimensions: { Job: props.validatingJob, Table: table },
          statistic: "Maximum",
          threshold: thresholds.maxQuarantinePercent,
        },
      );
    }
    alarm(
      `${props.intakeJob}_quarantine_share`,
      `A ${props.intakeJob} run quarantined more than ${percent}% of the entries it read (entries that cannot be keyed, or whole files): see the run report and the quarantine prefix.`,
      {
        ...perRun,
        metricName: JOB_RUN_METRICS.quarantinedPercent,
        dimensions: { Job: props.intakeJob },
        statistic: "Maximum",
        threshold: thresholds.maxQuarantinePercent,
      },
    );
    alarm(
      "files_failed",
      `A ${props.intakeJob} run failed at least one file (not JSON, not FHIR, or not readable): nothing of it landed. The file is FAILED in the processed-files table with its error and copied to quarantine; fix the cause and re-queue it (etl/README.md).`,
      {
        ...perRun,
        metricName: JOB_RUN_METRICS.filesFailed,
        dimensions: { Job: props.intakeJob },
        statistic: "Sum",
        threshold: 0,
      },
    );
    alarm(
      "file_waiting",
      `A FHIR file has waited for a run (PENDING or WAITING) for more than ${Token.asString(thresholds.maxFileWaitMinutes)} minutes: runs are not starting or not claiming it (a stuck pipeline, a run longer than the limit, or the per-run file cap).`,
      { ...freshness, metricName: FRESHNESS_METRICS.oldestWaitingFile, threshold: thresholds.maxFileWaitMinutes },
    );
    alarm(
      "gold_behind",
      `Bronze has taken in data that Gold has not refreshed for more than ${Token.asString(thresholds.maxGoldLagMinutes)} minutes: Silver or Gold failed or is not running, and dashboards show old figures.`,
      { ...freshness, metricName: FRESHNESS_METRICS.goldBehind, threshold: thresholds.maxGoldLagMinutes },
    );
    const hours = thresholds.maxHoursWithoutNewFiles;
    // 0 hours turns the alarm off: nothing is created. A per-workspace value decides in Terraform (whole hours,
    // so ">= 1": cdktf's Op drops a right operand of 0).
    if (Token.isUnresolved(hours) || hours > 0) {
      alarm(
        "no_new_files",
        `No new FHIR file has arrived for more than ${Token.asString(hours)} hours: the feed stopped sending, or its uploads are refused.`,
        {
          ...freshness,
          metricName: FRESHNESS_METRICS.sinceNewestFile,
          threshold: Token.isUnresolved(hours) ? Op.mul(hours, 60) : hours * 60,
          ...(Token.isUnresolved(hours) ? { count: Token.asNumber(conditional(Op.gte(hours, 1), 1, 0)) } : {}),
        },
      );
    }
    this.alarms = alarms;
    props.alertsTopic.allowCloudWatchAlarms(name("*"));

    const metric = (metricName: string, dimensions: Record<string, string>, stat: string): unknown[] => [
      namespace,
      metricName,
      ...Object.entries(dimensions).flat(),
      { stat },
    ];
    const validating = (metricName: string, stat: string) =>
      props.tables.map((table) => metric(metricName, { Job: props.validatingJob, Table: table }, stat));
    this.widgets = [
      metricWidget(props.region, `Quarantined share per run (%), alarm above ${percent}`, [
        ...validating(JOB_RUN_METRICS.quarantinedPercent, "Maximum"),
        metric(JOB_RUN_METRICS.quarantinedPercent, { Job: props.intakeJob }, "Maximum"),
      ]),
      metricWidget(props.region, `Records per ${props.validatingJob} run: read, accepted, quarantined`, [
        ...validating(JOB_RUN_METRICS.recordsRead, "Sum"),
        ...validating(JOB_RUN_METRICS.recordsAccepted, "Sum"),
        ...validating(JOB_RUN_METRICS.recordsQuarantined, "Sum"),
      ]),
      metricWidget(
        props.region,
        `Files per ${props.intakeJob} run`,
        [JOB_RUN_METRICS.filesProcessed, JOB_RUN_METRICS.filesPartial, JOB_RUN_METRICS.filesFailed].map((m) =>
          metric(m, { Job: props.intakeJob }, "Sum"),
        ),
      ),
      metricWidget(
        props.region,
        "Freshness (minutes)",
        Object.values(FRESHNESS_METRICS).map((m) => metric(m, {}, "Maximum")),
      ),
    ];
  }
}

/** Checks the `quality` settings of an environment (values that are Terraform expressions are skipped). */
export function validateQualitySettings(owner: string, quality: QualityEnvironmentConfig, prefix = ""): void {
  const share = quality.maxQuarantinePercent;
  if (!Token.isUnresolved(share) && !(share > 0 && share <= 100)) {
    throw new MetricCareValidationError(owner, `\`${prefix}maxQuarantinePercent\` must be above 0 and at most 100, got ${show(share)}.`);
  }
  // Below two checks' interval an alarm would fire on a file the next check would see gone.
  validateIntegerRange(owner, `${prefix}maxFileWaitMinutes`, quality.maxFileWaitMinutes, 2 * FRESHNESS_CHECK_MINUTES, 10080, "minutes");
  validateIntegerRange(owner, `${prefix}maxGoldLagMinutes`, quality.maxGoldLagMinutes, 2 * FRESHNESS_CHECK_MINUTES, 10080, "minutes");
  validateIntegerRange(owner, `${prefix}maxHoursWithoutNewFiles`, quality.maxHoursWithoutNewFiles, 0, 168, "hours");
}
