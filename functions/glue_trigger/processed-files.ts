import type { AttributeValue, DynamoDBClient, UpdateItemCommandInput } from "@aws-sdk/client-dynamodb";
import { GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from "./dependencies";
import type { S3ObjectNotice } from "./s3-records";

/** How {@link ProcessedFilesStore.record} found each object. */
export interface RecordOutcome {
  /** Recorded as `PENDING` by this call. */
  readonly recorded: readonly S3ObjectNotice[];
  /**
   * Recorded earlier but never acted on (still `PENDING`, with neither `trigger_run_id` nor
   * `waiting_for_run_id`): an earlier attempt failed before starting a run, so this retry must finish its work.
   */
  readonly resumed: readonly S3ObjectNotice[];
  /** Recorded and acted on earlier: a duplicate notification, which adds nothing and starts nothing. */
  readonly duplicates: readonly S3ObjectNotice[];
}

type Item = Record<string, AttributeValue>;

/** Every `status` a file item has (docs/processed-files-table.md). */
export const FILE_STATUSES = ["PENDING", "WAITING", "IN_PROGRESS", "PROCESSED", "PARTIAL", "FAILED"] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];
/** The statuses of a file no run has claimed yet. */
const WAITING_STATUSES: readonly FileStatus[] = ["PENDING", "WAITING"];

// `status` is a DynamoDB reserved word.
const STATUS_NAME = { "#status": "status" };

/** The processed-files table, written as docs/processed-files-table.md specifies. */
export class ProcessedFilesStore {
  public constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly tableName: string,
    private readonly statusIndexName: string,
  ) {}

  /** Records each object as `PENDING` with a conditional put, so a duplicate notification adds nothing. */
  public async record(objects: readonly S3ObjectNotice[], receivedAt: Date): Promise<RecordOutcome> {
    const outcomes = await settleAll(objects.map(async (object) => this.recordOne(object, receivedAt.toISOString())));
    return {
      recorded: objects.filter((_, i) => outcomes[i] === "recorded"),
      resumed: objects.filter((_, i) => outcomes[i] === "resumed"),
      duplicates: objects.filter((_, i) => outcomes[i] === "duplicate"),
    };
  }

  /** Marks files that arrived during an active run `WAITING`, unless the Bronze job claimed them already. */
  public async markWaiting(files: readonly S3ObjectNotice[], runId: string | undefined): Promise<void> {
    const setRunId = runId === undefined ? "" : ", waiting_for_run_id = :run_id";
    await this.updateEach(files, {
      UpdateExpression: `SET #status = :waiting${setRunId}`,
      ConditionExpression: "#status = :pending",
      ExpressionAttributeNames: STATUS_NAME,
      ExpressionAttributeValues: {
        ":waiting": { S: "WAITING" },
        ":pending": { S: "PENDING" },
        ...(runId === undefined ? {} : { ":run_id": { S: runId } }),
      },
    });
  }

  /** Notes on each file the workflow run this function started for it. */
  public async markTriggered(files: readonly S3ObjectNotice[], runId: string): Promise<void> {
    await this.updateEach(files, {
      UpdateExpression: "SET trigger_run_id = :run_id",
      ConditionExpression: "attribute_exists(file_key)",
      ExpressionAttributeValues: { ":run_id": { S: runId } },
    });
  }

  /** Applies one conditional update to every file; a file whose condition no longer holds is left as it is. */
  private async updateEach(files: readonly S3ObjectNotice[], update: Omit<UpdateItemCommandInput, "TableName" | "Key">): Promise<void> {
    await settleAll(
      files.map(async (file) =>
        ignoreConditionFailure(
          this.dynamodb.send(new UpdateItemCommand({ TableName: this.tableName, Key: { file_key: { S: file.fileKey } }, ...update })),
        ),
      ),
    );
  }

  /**
   * The `file_key` of one `PENDING` or `WAITING` file (received before `receivedBefore`, when given), or
   * `undefined` when none waits for a run. At most two queries of one item each, however large the table.
   */
  public async findWaitingFile(receivedBefore?: Date): Promise<string | undefined> {
    for (const status of WAITING_STATUSES) {
      const item = await this.firstOf(status, { receivedBefore, oldestFirst: true });
      if (item !== undefined) return item.fileKey;
    }
    return undefined;
  }

  /** When the oldest `PENDING` or `WAITING` file was received; `undefined` when none waits. Two queries of one item. */
  public async oldestWaitingReceivedAt(): Promise<Date | undefined> {
    const firsts = await Promise.all(WAITING_STATUSES.map(async (status) => this.firstOf(status, { oldestFirst: true })));
    return extreme(firsts, Math.min);
  }

  /** When the newest file, whatever its status, was received; `undefined` when the table holds no file. One query of one item per status. */
  public async newestReceivedAt(): Promise<Date | undefined> {
    const firsts = await Promise.all(FILE_STATUSES.map(async (status) => this.firstOf(status, { oldestFirst: false })));
    return extreme(firsts, Math.max);
  }

  // The status index is sorted by `received_at`: one item from either end of a status.
  private async firstOf(
    status: FileStatus,
    options: { readonly oldestFirst: boolean; readonly receivedBefore?: Date },
  ): Promise<{ readonly fileKey: string; readonly receivedAt?: Date } | undefined> {
    const before = options.receivedBefore;
    const response = await this.dynamodb.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: this.statusIndexName,
        KeyConditionExpression: before === undefined ? "#status = :status" : "#status = :status AND received_at < :before",
        ExpressionAttributeNames: STATUS_NAME,
        ExpressionAttributeValues: {
          ":status": { S: status },
          ...(before === undefined ? {} : { ":before": { S: before.toISOString() } }),
        },
        ProjectionExpression: "file_key, received_at",
        ScanIndexForward: options.oldestFirst,
        Limit: 1,
      }),
    );
    const item = response.Items?.[0];
    const fileKey = item?.file_key?.S;
    if (fileKey === undefined) return undefined;
    // The Lambda writes received_at on every file; an item without a readable one still waits, of unknown age.
    const receivedAt = new Date(item?.received_at?.S ?? Number.NaN);
    return Number.isNaN(receivedAt.getTime()) ? { fileKey } : { fileKey, receivedAt };
  }

  private async recordOne(object: S3ObjectNotice, receivedAt: string): Promise<"recorded" | "resumed" | "duplicate"> {
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(object, receivedAt),
          ConditionExpression: "attribute_not_exists(file_key)",
        }),
      );
      return "recorded";
    } catch (error) {
      if (!isConditionFailure(error)) {
        throw error;
      }
    }
    const existing = await this.dynamodb.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { file_key: { S: object.fileKey } },
        ConsistentRead: true,
        ProjectionExpression: "#status, trigger_run_id, waiting_for_run_id",
        ExpressionAttributeNames: STATUS_NAME,
      }),
    );
    const item = existing.Item;
    const unfinished = item?.status?.S === "PENDING" && item.trigger_run_id === undefined && item.waiting_for_run_id === undefined;
    return unfinished ? "resumed" : "duplicate";
  }
}

function toItem(object: S3ObjectNotice, receivedAt: string): Item {
  const item: Item = {
    file_key: { S: object.fileKey },
    bucket: { S: object.bucket },
    object_key: { S: object.objectKey },
    status: { S: "PENDING" },
    received_at: { S: receivedAt },
  };
  if (object.versionId !== undefined) item.version_id = { S: object.versionId };
  if (object.eTag !== undefined) item.etag = { S: object.eTag };
  if (object.sizeBytes !== undefined) item.size_bytes = { N: String(object.sizeBytes) };
  if (object.sequencer !== undefined) item.sequencer = { S: object.sequencer };
  if (object.eventTime !== undefined) item.event_time = { S: object.eventTime };
  return item;
}

/** The earliest or latest `receivedAt` of the items found; `undefined` when none was. */
function extreme(items: readonly ({ readonly receivedAt?: Date } | undefined)[], pick: (...values: number[]) => number): Date | undefined {
  const times = items.flatMap((item) => (item?.receivedAt === undefined ? [] : [item.receivedAt.getTime()]));
  return times.length === 0 ? undefined : new Date(pick(...times));
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

async function ignoreConditionFailure(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    if (!isConditionFailure(error)) {
      throw error;
    }
  }
}

// Lets every write finish before reporting the first failure, so a retry never races a write still in flight.
async function settleAll<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const values: T[] = [];
  for (const result of await Promise.allSettled(promises)) {
    if (result.status === "rejected") {
      throw result.reason;
    }
    values.push(result.value);
  }
  return values;
}
