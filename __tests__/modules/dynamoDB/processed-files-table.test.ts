import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { ref } from "cdktf";
import { PROCESSED_FILES_SCHEMA, ProcessedFilesTable } from "../../../modules/dynamoDB/processed-files-table";
import { synthConstruct } from "../../support/construct-synth";
import { testKey } from "../../support/test-context";

describe("ProcessedFilesTable", () => {
  it("keys items by file_key and indexes them by (status, received_at), as docs/processed-files-table.md specifies", () => {
    // Assess
    expect(PROCESSED_FILES_SCHEMA).toEqual({
      partitionKey: "file_key",
      statusIndex: "status_index",
      statusAttribute: "status",
      receivedAtAttribute: "received_at",
      ttlAttribute: "expires_at",
    });
  });

  it("creates an on-demand table with the status index, TTL on expires_at, point-in-time recovery and the KMS key", () => {
    // Act
    const { synth, ref } = synthConstruct(
      (scope) =>
        new ProcessedFilesTable(scope, "processed_files", {
          tableName: "metriccare_processed_files_dev",
          kmsKey: testKey(scope),
          deletionProtection: true,
        }),
    );
    // Assess
    expect(synth).toHaveResourceWithProperties(DynamodbTable, {
      name: "metriccare_processed_files_dev",
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "file_key",
      attribute: [
        { name: "file_key", type: "S" },
        { name: "status", type: "S" },
        { name: "received_at", type: "S" },
      ],
      global_secondary_index: [
        {
          name: "status_index",
          hash_key: "status",
          range_key: "received_at",
          projection_type: "ALL",
          // DynamoDB's on-demand baseline: provider 6.17+ otherwise re-creates the index in every plan (#44692).
          warm_throughput: { read_units_per_second: 12000, write_units_per_second: 4000 },
        },
      ],
      ttl: { attribute_name: "expires_at", enabled: true },
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: ref("aws_kms_key", "key/key", "arn") },
      deletion_protection_enabled: true,
    });
  });

  it("takes deletion protection as a per-workspace expression", () => {
    // Act
    const { synth } = synthConstruct(
      (scope) =>
        new ProcessedFilesTable(scope, "processed_files", {
          tableName: "t",
          kmsKey: testKey(scope),
          deletionProtection: ref("local.environment.deletionProtection"),
        }),
    );
    // Assess
    expect(synth).toHaveResourceWithProperties(DynamodbTable, { deletion_protection_enabled: "${local.environment.deletionProtection}" });
  });

  it("exposes the table, its name and ARN, and the status index's name and ARN", () => {
    // Act
    const { built, resolve, ref } = synthConstruct(
      (scope) => new ProcessedFilesTable(scope, "processed_files", { tableName: "t", kmsKey: testKey(scope), deletionProtection: false }),
    );
    // Assess
    const arn = ref("aws_dynamodb_table", "processed_files/table", "arn");
    expect(built.table).toBeInstanceOf(DynamodbTable);
    expect(resolve(built.tableName)).toBe(ref("aws_dynamodb_table", "processed_files/table", "name"));
    expect(resolve(built.tableArn)).toBe(arn);
    expect(built.statusIndexName).toBe("status_index");
    expect(resolve(built.statusIndexArn)).toBe(`${arn}/index/status_index`);
  });

  it("trackFilesStatements allows item reads and writes on the table and queries on the status index only", () => {
    // Prepare
    const { built, resolve, ref } = synthConstruct(
      (scope) => new ProcessedFilesTable(scope, "processed_files", { tableName: "t", kmsKey: testKey(scope), deletionProtection: false }),
    );
    // Act
    const statements = built.trackFilesStatements();
    // Assess
    const arn = ref("aws_dynamodb_table", "processed_files/table", "arn");
    expect(resolve(statements)).toEqual([
      {
        sid: "TrackProcessedFiles",
        effect: "Allow",
        actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
        resources: [arn],
      },
      { sid: "FindFilesByStatus", effect: "Allow", actions: ["dynamodb:Query"], resources: [`${arn}/index/status_index`] },
    ]);
  });

  it("claimFilesStatements allows only conditional updates on the table and queries on the status index", () => {
    // Prepare
    const { built, resolve, ref } = synthConstruct(
      (scope) => new ProcessedFilesTable(scope, "processed_files", { tableName: "t", kmsKey: testKey(scope), deletionProtection: false }),
    );
    // Act
    const statements = built.claimFilesStatements();
    // Assess
    const arn = ref("aws_dynamodb_table", "processed_files/table", "arn");
    expect(resolve(statements)).toEqual([
      { sid: "ClaimProcessedFiles", effect: "Allow", actions: ["dynamodb:UpdateItem"], resources: [arn] },
      { sid: "FindFilesByStatus", effect: "Allow", actions: ["dynamodb:Query"], resources: [`${arn}/index/status_index`] },
    ]);
  });
});
