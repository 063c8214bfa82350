import type { AttributeValue, DynamoDBClient, UpdateItemCommandInput } from "@aws-sdk/client-dynamodb";
import { GetItemCommand, UpdateItemCommand } from "./dependencies";

/**
 * The trigger's own item in the processed-files table: how many runs in a row failed without processing
 * any file, so that a failing pipeline is not restarted forever, and since when Gold is behind Bronze. Its `file_key` is not an S3 URI and it
 * has no `status`, so the status index (and with it the Bronze job) never sees it.
 */
export interface PipelineState {
  /** Runs in a row that failed without processing any file; 0 after a run that did its work. */
  readonly consecutiveFailedRuns: number;
  /** The last run counted, so that a redelivered event counts it once. @default - none */
  readonly lastFailedRunId: string | undefined;
  /** The run for which "pipeline stuck" was alerted; cleared with the count. @default - none */
  readonly stuckAlertedRunId: string | undefined;
  /** Since when Bronze holds data that Gold has not refreshed (the first job's success after the last refresh). @default - Gold is current */
  readonly goldBehindSince: Date | undefined;
}

/** `file_key` of the state item of a workflow. */
export function stateItemKey(workflowName: string): string {
  return `pipeline_state#${workflowName}`;
}

/** Reads and updates the state item, each update conditional so that retries and duplicates count once. */
export class PipelineStateStore {
  private readonly key: Record<string, AttributeValue>;

  public constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
    workflowName: string,
  ) {
    this.key = { file_key: { S: stateItemKey(workflowName) } };
  }

  public async read(): Promise<PipelineState> {
    const response = await this.dynamodb.send(new GetItemCommand({ TableName: this.tableName, Key: this.key, ConsistentRead: true }));
    return toState(response.Item);
  }

  /** Counts `runId` as one more failed run, once however often it is reported; returns the new state. */
  public async recordFailedRun(runId: string, at: Date): Promise<PipelineState> {
    try {
      const response = await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key,
          UpdateExpression:
            "SET consecutive_failed_runs = if_not_exists(consecutive_failed_runs, :zero) + :one, last_failed_run_id = :run, updated_at = :at",
          ConditionExpression: "attribute_not_exists(last_failed_run_id) OR last_failed_run_id <> :run",
          ExpressionAttributeValues: { ":zero": { N: "0" }, ":one": { N: "1" }, ":run": { S: runId }, ":at": { S: at.toISOString() } },
          ReturnValues: "ALL_NEW",
        }),
      );
      return toState(response.Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return this.read();
      throw error;
    }
  }

  /** A run did its work: the count starts again at 0 and a later stuck pipeline is alerted again. */
  public async recordHealthyRun(at: Date): Promise<void> {
    await this.dynamodb.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: this.key,
        UpdateExpression: "SET consecutive_failed_runs = :zero, updated_at = :at REMOVE last_failed_run_id, stuck_alerted_run_id",
        ExpressionAttributeValues: { ":zero": { N: "0" }, ":at": { S: at.toISOString() } },
      }),
    );
  }

  /**
   * The first job (Bronze) succeeded at `at`: Gold is behind from then, unless it already was or a final
   * job's success at or after `at` is recorded (an event delivered late changes nothing).
   */
  public async recordBronzeUpdated(at: Date): Promise<void> {
    await this.updateIf({
      UpdateExpression: "SET gold_behind_since = :at",
      ConditionExpression:
        "attribute_not_exists(gold_behind_since) AND (attribute_not_exists(gold_refreshed_at) OR gold_refreshed_at < :at)",
      ExpressionAttributeValues: { ":at": { S: at.toISOString() } },
    });
  }

  /**
   * The final job (Gold) succeeded at `at`: the refresh time moves forward only, and Gold is current again
   * unless Bronze took in more after `at` (two conditional updates, so a late event clears nothing newer).
   */
  public async recordGoldRefreshed(at: Date): Promise<void> {
    const values = { ":at": { S: at.toISOString() } };
    await this.updateIf({
      UpdateExpression: "SET gold_refreshed_at = :at",
      ConditionExpression: "attribute_not_exists(gold_refreshed_at) OR gold_refreshed_at < :at",
      ExpressionAttributeValues: values,
    });
    await this.updateIf({
      UpdateExpression: "REMOVE gold_behind_since",
      ConditionExpression: "gold_behind_since <= :at",
      ExpressionAttributeValues: values,
    });
  }

  /** Claims the one "stuck" alert of this failure streak; `false` when it was claimed already. */
  public async claimStuckAlert(runId: string): Promise<boolean> {
    try {
      await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key,
          UpdateExpression: "SET stuck_alerted_run_id = :run",
          ConditionExpression: "attribute_not_exists(stuck_alerted_run_id)",
          ExpressionAttributeValues: { ":run": { S: runId } },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Gives the claim back when the alert could not be sent, so that the retried event sends it. */
  public async releaseStuckAlert(runId: string): Promise<void> {
    await this.updateIf({
      UpdateExpression: "REMOVE stuck_alerted_run_id",
      ConditionExpression: "stuck_alerted_run_id = :run",
      ExpressionAttributeValues: { ":run": { S: runId } },
    });
  }

  // One conditional update of the state item; a condition that no longer holds leaves it as it is.
  private async updateIf(
    update: Pick<UpdateItemCommandInput, "UpdateExpression" | "ConditionExpression" | "ExpressionAttributeValues">,
  ): Promise<void> {
    try {
      await this.dynamodb.send(new UpdateItemCommand({ TableName: this.tableName, Key: this.key, ...update }));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

function toState(item: Record<string, AttributeValue> | undefined): PipelineState {
  return {
    consecutiveFailedRuns: Number(item?.consecutive_failed_runs?.N ?? "0"),
    lastFailedRunId: item?.last_failed_run_id?.S,
    stuckAlertedRunId: item?.stuck_alerted_run_id?.S,
    goldBehindSince: item?.gold_behind_since?.S === undefined ? undefined : new Date(item.gold_behind_since.S),
  };
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}
