import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import type { IResolvable } from "cdktf";
import { Construct } from "constructs";
import type { DataLakeKey } from "../kms/kms-key";
import type { PolicyStatement } from "../shared/policy-document";

/** Attribute and index names of the processed-files table (see docs/processed-files-table.md). */
/**
 * The warm throughput DynamoDB gives a new on-demand index (12,000 reads and 4,000 writes per
 * second, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput.html).
 */
export const ON_DEMAND_INDEX_WARM_THROUGHPUT = { readUnitsPerSecond: 12000, writeUnitsPerSecond: 4000 } as const;

export const PROCESSED_FILES_SCHEMA = {
  partitionKey: "file_key",
  statusIndex: "status_index",
  statusAttribute: "status",
  receivedAtAttribute: "received_at",
  ttlAttribute: "expires_at",
} as const;

/** Props for {@link ProcessedFilesTable}. */
export interface ProcessedFilesTableProps {
  /** Table name, e.g. `metriccare_processed_files_dev`. */
  readonly tableName: string;
  /** Key the table is encrypted with. */
  readonly kmsKey: DataLakeKey;
  /** Whether the table refuses `DeleteTable` (per environment; on in prod). */
  readonly deletionProtection: boolean | IResolvable;
  /**
   * `lifecycle.prevent_destroy`: Terraform refuses to plan the table's deletion.
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * The processed-files table that makes ETL runs incremental and idempotent: one item per raw
 * object version, written by the trigger Lambda and finished by the Bronze job. On-demand
 * billing, point-in-time recovery, SSE with the environment key, TTL on finished items.
 */
export class ProcessedFilesTable extends Construct {
  /** The table. */
  public readonly table: DynamodbTable;
  /** Name of the table. */
  public readonly tableName: string;
  /** ARN of the table. */
  public readonly tableArn: string;
  /** Name of the GSI on (`status`, `received_at`). */
  public readonly statusIndexName: string = PROCESSED_FILES_SCHEMA.statusIndex;
  /** ARN of the GSI, for IAM policies that query it. */
  public readonly statusIndexArn: string;

  public constructor(scope: Construct, id: string, props: ProcessedFilesTableProps) {
    super(scope, id);
    const schema = PROCESSED_FILES_SCHEMA;
    this.table = new DynamodbTable(this, "table", {
      name: props.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: schema.partitionKey,
      attribute: [
        { name: schema.partitionKey, type: "S" },
        { name: schema.statusAttribute, type: "S" },
        { name: schema.receivedAtAttribute, type: "S" },
      ],
      globalSecondaryIndex: [
        {
          name: schema.statusIndex,
          hashKey: schema.statusAttribute,
          rangeKey: schema.receivedAtAttribute,
          projectionType: "ALL",
          // DynamoDB reports this baseline for every on-demand index; without it provider 6.17+ plans
          // a remove-and-add of the index on every run (terraform-provider-aws #44692).
          warmThroughput: ON_DEMAND_INDEX_WARM_THROUGHPUT,
        },
      ],
      ttl: { attributeName: schema.ttlAttribute, enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKey.keyArn },
      deletionProtectionEnabled: props.deletionProtection,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.tableName = this.table.name;
    this.tableArn = this.table.arn;
    this.statusIndexArn = `${this.table.arn}/index/${schema.statusIndex}`;
  }

  /**
   * IAM statements for the trigger Lambda, which records files: item reads and conditional writes
   * on the table, queries on the status index (it also needs the key).
   */
  public trackFilesStatements(): PolicyStatement[] {
    return [
      {
        sid: "TrackProcessedFiles",
        effect: "Allow",
        actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
        resources: [this.tableArn],
      },
      this.findFilesStatement(),
    ];
  }

  /**
   * IAM statements for the Bronze job, which claims and finishes recorded files: conditional
   * updates on the table and queries on the status index, no new items (it also needs the key).
   */
  public claimFilesStatements(): PolicyStatement[] {
    return [
      { sid: "ClaimProcessedFiles", effect: "Allow", actions: ["dynamodb:UpdateItem"], resources: [this.tableArn] },
      this.findFilesStatement(),
    ];
  }

  private findFilesStatement(): PolicyStatement {
    return { sid: "FindFilesByStatus", effect: "Allow", actions: ["dynamodb:Query"], resources: [this.statusIndexArn] };
  }
}
