import { PutMetricDataCommand } from "./dependencies";
import { FRESHNESS_METRICS, type Freshness } from "./freshness-metrics";
import type { GlueTriggerResult } from "./result";
import { pipelineStateStore, processedFilesStore, type TriggerContext } from "./trigger-context";
import type { FreshnessCheckTrigger } from "./trigger-source";

/**
 * The freshness check (every {@link FRESHNESS_CHECK_MINUTES} minutes, its own rule): how long the oldest
 * file has waited for a run, how long Gold has been behind what Bronze took in, and how long ago the newest
 * file arrived, published as CloudWatch metrics for the staleness and silent-feed alarms. It starts nothing.
 */
export async function onFreshnessCheck(trigger: FreshnessCheckTrigger, context: TriggerContext): Promise<GlueTriggerResult> {
  const { workflowName, metricsNamespace } = context.config;
  const files = processedFilesStore(context);
  const [oldestWaiting, newest, state] = await Promise.all([
    files.oldestWaitingReceivedAt(),
    files.newestReceivedAt(),
    pipelineStateStore(context).read(),
  ]);
  const freshness: Freshness = {
    oldestWaitingFile: minutesSince(oldestWaiting, context.now),
    goldBehind: minutesSince(state.goldBehindSince, context.now),
    ...(newest === undefined ? {} : { sinceNewestFile: minutesSince(newest, context.now) }),
  };
  await context.cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: metricsNamespace,
      MetricData: (Object.keys(FRESHNESS_METRICS) as (keyof Freshness)[]).flatMap((key) => {
        const value = freshness[key];
        return value === undefined
          ? []
          : [{ MetricName: FRESHNESS_METRICS[key], Value: value, Unit: "None" as const, Timestamp: context.now }];
      }),
    }),
  );
  const newestText =
    freshness.sinceNewestFile === undefined ? "no file recorded" : `newest file ${round(freshness.sinceNewestFile)} min ago`;
  return {
    workflowName,
    runId: null,
    triggerSource: trigger.source,
    status: "checked",
    message:
      `Freshness of workflow ${workflowName}: oldest waiting file ${round(freshness.oldestWaitingFile)} min, ` +
      `Gold behind ${round(freshness.goldBehind)} min, ${newestText}; published to ${metricsNamespace}.`,
    freshness,
  };
}

/** Whole minutes and tenths from `since` to `now`, never negative (a clock a little ahead is not a delay); 0 without `since`. */
export function minutesSince(since: Date | undefined, now: Date): number {
  if (since === undefined) return 0;
  return Math.max(0, Math.round((now.getTime() - since.getTime()) / 6000) / 10);
}

function round(minutes: number): string {
  return minutes.toFixed(minutes < 10 ? 1 : 0);
}
