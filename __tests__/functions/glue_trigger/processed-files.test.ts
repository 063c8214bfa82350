import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { ProcessedFilesStore } from "../../../functions/glue_trigger/processed-files";
import type { S3ObjectNotice } from "../../../functions/glue_trigger/s3-records";
import { BUCKET, NOW, OBJECT, OBJECT_NOTICE, TABLE } from "./fixtures";

const dynamoMock = mockClient(DynamoDBClient);
const store = new ProcessedFilesStore(new DynamoDBClient({ region: "eu-west-1" }), TABLE, "status_index");

const FILE = OBJECT_NOTICE;
const BARE_FILE: S3ObjectNotice = {
  fileKey: `s3://${BUCKET}/fhir/bare.json#0055AED6DCD90281E6`,
  bucket: BUCKET,
  objectKey: "fhir/bare.json",
  versionId: undefined,
  eTag: undefined,
  sizeBytes: undefined,
  sequencer: "0055AED6DCD90281E6",
  eventTime: undefined,
};
const conditionFailed = () => new ConditionalCheckFailedException({ $metadata: {}, message: "The conditional request failed" });

beforeEach(() => {
  dynamoMock.reset();
});

describe("ProcessedFilesStore.record", () => {
  it("puts each new object as PENDING with a conditional put and every attribute of the contract", async () => {
    // Prepare
    dynamoMock.on(PutItemCommand).resolves({});

    // Act
    const outcome = await store.record([FILE, BARE_FILE], NOW);

    // Assess
    expect(outcome).toEqual({ recorded: [FILE, BARE_FILE], resumed: [], duplicates: [] });
    expect(dynamoMock).toHaveReceivedCommandTimes(PutItemCommand, 2);
    expect(dynamoMock).toHaveReceivedNthSpecificCommandWith(1, PutItemCommand, {
      TableName: TABLE,
      Item: {
        file_key: { S: OBJECT.fileKey },
        bucket: { S: BUCKET },
        object_key: { S: OBJECT.key },
        status: { S: "PENDING" },
        received_at: { S: "2026-11-22T10:15:00.000Z" },
        version_id: { S: OBJECT.versionId },
        etag: { S: OBJECT.eTag },
        size_bytes: { N: "1024" },
        sequencer: { S: OBJECT.sequencer },
        event_time: { S: OBJECT.eventTime },
      },
      ConditionExpression: "attribute_not_exists(file_key)",
    });
    expect(dynamoMock).toHaveReceivedNthSpecificCommandWith(2, PutItemCommand, {
      Item: {
        file_key: { S: BARE_FILE.fileKey },
        bucket: { S: BUCKET },
        object_key: { S: "fhir/bare.json" },
        status: { S: "PENDING" },
        received_at: { S: "2026-11-22T10:15:00.000Z" },
        sequencer: { S: "0055AED6DCD90281E6" },
      },
    });
  });

  it.each([
    ["a run was started for it", { status: { S: "PENDING" }, trigger_run_id: { S: "wr_1" } }],
    ["it waits for a run", { status: { S: "WAITING" }, waiting_for_run_id: { S: "wr_1" } }],
    ["the Bronze job processed it", { status: { S: "PROCESSED" } }],
    ["it is gone (TTL)", undefined],
  ])("counts an existing object as a duplicate when %s", async (_, item) => {
    // Prepare
    dynamoMock.on(PutItemCommand).rejects(conditionFailed());
    dynamoMock.on(GetItemCommand).resolves({ Item: item });

    // Act
    const outcome = await store.record([FILE], NOW);

    // Assess
    expect(outcome).toEqual({ recorded: [], resumed: [], duplicates: [FILE] });
    expect(dynamoMock).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: TABLE,
      Key: { file_key: { S: OBJECT.fileKey } },
      ConsistentRead: true,
      ProjectionExpression: "#status, trigger_run_id, waiting_for_run_id",
      ExpressionAttributeNames: { "#status": "status" },
    });
  });

  it("resumes an object an earlier attempt recorded but never acted on (PENDING, no run id)", async () => {
    // Prepare
    dynamoMock.on(PutItemCommand).rejects(conditionFailed());
    dynamoMock.on(GetItemCommand).resolves({ Item: { status: { S: "PENDING" } } });

    // Act
    const outcome = await store.record([FILE], NOW);

    // Assess
    expect(outcome).toEqual({ recorded: [], resumed: [FILE], duplicates: [] });
  });

  it("throws the first failure once every put has finished", async () => {
    // Prepare
    const error = new ResourceNotFoundException({ $metadata: {}, message: "Requested resource not found" });
    dynamoMock.on(PutItemCommand).callsFake(async (input: { Item: Record<string, { S?: string }> }) => {
      if (input.Item.file_key?.S === FILE.fileKey) {
        throw error;
      }
      return {};
    });

    // Act
    const record = store.record([FILE, BARE_FILE], NOW);

    // Assess
    await expect(record).rejects.toBe(error);
    expect(dynamoMock).toHaveReceivedCommandTimes(PutItemCommand, 2);
  });
});

describe("ProcessedFilesStore.markWaiting", () => {
  it("sets WAITING and waiting_for_run_id on condition that the file is still PENDING", async () => {
    // Prepare
    dynamoMock.on(UpdateItemCommand).resolves({});

    // Act
    await store.markWaiting([FILE], "wr_active");

    // Assess
    expect(dynamoMock).toHaveReceivedCommandTimes(UpdateItemCommand, 1);
    expect(dynamoMock).toHaveReceivedCommandWith(UpdateItemCommand, {
      TableName: TABLE,
      Key: { file_key: { S: OBJECT.fileKey } },
      UpdateExpression: "SET #status = :waiting, waiting_for_run_id = :run_id",
      ConditionExpression: "#status = :pending",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":waiting": { S: "WAITING" },
        ":pending": { S: "PENDING" },
        ":run_id": { S: "wr_active" },
      },
    });
  });

  it("sets only the status when the active run is unknown", async () => {
    // Prepare
    dynamoMock.on(UpdateItemCommand).resolves({});

    // Act
    await store.markWaiting([FILE], undefined);

    // Assess
    expect(dynamoMock).toHaveReceivedCommandWith(UpdateItemCommand, {
      UpdateExpression: "SET #status = :waiting",
      ExpressionAttributeValues: { ":waiting": { S: "WAITING" }, ":pending": { S: "PENDING" } },
    });
  });

  it("leaves alone a file the Bronze job claimed already", async () => {
    // Prepare
    dynamoMock.on(UpdateItemCommand).rejects(conditionFailed());

    // Act
    const mark = store.markWaiting([FILE], "wr_active");

    // Assess
    await expect(mark).resolves.toBeUndefined();
  });
});

describe("ProcessedFilesStore.markTriggered", () => {
  it("notes the run started for each file, on condition the item exists", async () => {
    // Prepare
    dynamoMock.on(UpdateItemCommand).resolves({});

    // Act
    await store.markTriggered([FILE, BARE_FILE], "wr_new");

    // Assess
    expect(dynamoMock).toHaveReceivedCommandTimes(UpdateItemCommand, 2);
    expect(dynamoMock).toHaveReceivedNthSpecificCommandWith(2, UpdateItemCommand, {
      TableName: TABLE,
      Key: { file_key: { S: BARE_FILE.fileKey } },
      UpdateExpression: "SET trigger_run_id = :run_id",
      ConditionExpression: "attribute_exists(file_key)",
      ExpressionAttributeValues: { ":run_id": { S: "wr_new" } },
    });
  });
});

describe("ProcessedFilesStore.findWaitingFile", () => {
  it("queries the status index for one PENDING file and stops there when it finds one", async () => {
    // Prepare
    dynamoMock.on(QueryCommand).resolves({ Items: [{ file_key: { S: OBJECT.fileKey } }] });

    // Act
    const fileKey = await store.findWaitingFile();

    // Assess
    expect(fileKey).toBe(OBJECT.fileKey);
    expect(dynamoMock).toHaveReceivedCommandTimes(QueryCommand, 1);
    expect(dynamoMock).toHaveReceivedCommandWith(QueryCommand, {
      TableName: TABLE,
      IndexName: "status_index",
      KeyConditionExpression: "#status = :status",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":status": { S: "PENDING" } },
      ProjectionExpression: "file_key, received_at",
      ScanIndexForward: true,
      Limit: 1,
    });
  });

  it("then queries for one WAITING file", async () => {
    // Prepare
    dynamoMock
      .on(QueryCommand, { ExpressionAttributeValues: { ":status": { S: "PENDING" } } })
      .resolves({ Items: [] })
      .on(QueryCommand, { ExpressionAttributeValues: { ":status": { S: "WAITING" } } })
      .resolves({ Items: [{ file_key: { S: BARE_FILE.fileKey } }] });

    // Act
    const fileKey = await store.findWaitingFile();

    // Assess
    expect(fileKey).toBe(BARE_FILE.fileKey);
    expect(dynamoMock).toHaveReceivedNthSpecificCommandWith(2, QueryCommand, {
      ExpressionAttributeValues: { ":status": { S: "WAITING" } },
      Limit: 1,
    });
  });

  it("returns undefined when no file is PENDING or WAITING", async () => {
    // Prepare
    dynamoMock.on(QueryCommand).resolves({ Items: [] });

    // Act
    const fileKey = await store.findWaitingFile();

    // Assess
    expect(fileKey).toBeUndefined();
    expect(dynamoMock).toHaveReceivedCommandTimes(QueryCommand, 2);
  });
});

describe("ProcessedFilesStore freshness queries", () => {
  const at = (status: string, receivedAt: string | undefined) => ({
    Items: [{ file_key: { S: `s3://b/${status}.json#v` }, ...(receivedAt === undefined ? {} : { received_at: { S: receivedAt } }) }],
  });

  it("finds the oldest PENDING or WAITING file: one item from the oldest end of each status", async () => {
    // Prepare
    dynamoMock
      .on(QueryCommand, { ExpressionAttributeValues: { ":status": { S: "PENDING" } } })
      .resolves(at("PENDING", "2026-11-22T09:00:00.000Z"))
      .on(QueryCommand, { ExpressionAttributeValues: { ":status": { S: "WAITING" } } })
      .resolves(at("WAITING", "2026-11-22T08:30:00.000Z"));

    // Act
    const oldest = await store.oldestWaitingReceivedAt();

    // Assess
    expect(oldest).toEqual(new Date("2026-11-22T08:30:00.000Z"));
    expect(dynamoMock).toHaveReceivedCommandTimes(QueryCommand, 2);
    for (const status of ["PENDING", "WAITING"]) {
      expect(dynamoMock).toHaveReceivedCommandWith(QueryCommand, {
        IndexName: "status_index",
        ExpressionAttributeValues: { ":status": { S: status } },
        ScanIndexForward: true,
        Limit: 1,
      });
    }
  });

  it("says no file waits when neither status has one, and leaves out a file without received_at", async () => {
    // Prepare
    dynamoMock
      .on(QueryCommand, { ExpressionAttributeValues: { ":status": { S: "PENDING" } } })
      .resolves({ Items: [] })
      .on(QueryCommand, { ExpressionAttributeValues: { ":status": { S: "WAITING" } } })
      .resolves(at("WAITING", undefined));

    // Act
    const oldest = await store.oldestWaitingReceivedAt();

    // Assess
    expect(oldest).toBeUndefined();
  });

  it("finds the newest file of any status: one item from the newest end of each of the six statuses", async () => {
    // Prepare: the newest file is one Bronze finished as PARTIAL (some entries quarantined).
    const newest: Record<string, string> = {
      PENDING: "2026-11-22T09:00:00.000Z",
      IN_PROGRESS: "2026-11-22T09:40:00.000Z",
      PARTIAL: "2026-11-22T09:41:00.000Z",
      PROCESSED: "2026-11-22T09:10:00.000Z",
      FAILED: "2026-11-21T23:00:00.000Z",
    };
    dynamoMock.on(QueryCommand).resolves({ Items: [] });
    for (const [status, receivedAt] of Object.entries(newest)) {
      dynamoMock.on(QueryCommand, { ExpressionAttributeValues: { ":status": { S: status } } }).resolves(at(status, receivedAt));
    }

    // Act
    const latest = await store.newestReceivedAt();

    // Assess
    expect(latest).toEqual(new Date("2026-11-22T09:41:00.000Z"));
    expect(dynamoMock).toHaveReceivedCommandTimes(QueryCommand, 6);
    for (const status of ["PENDING", "WAITING", "IN_PROGRESS", "PROCESSED", "PARTIAL", "FAILED"]) {
      expect(dynamoMock).toHaveReceivedCommandWith(QueryCommand, {
        ExpressionAttributeValues: { ":status": { S: status } },
        ScanIndexForward: false,
        Limit: 1,
      });
    }
  });

  it("has no newest file while the table holds none", async () => {
    // Prepare
    dynamoMock.on(QueryCommand).resolves({ Items: [] });

    // Act
    const latest = await store.newestReceivedAt();

    // Assess
    expect(latest).toBeUndefined();
  });
});
