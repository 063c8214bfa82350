import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import type { GlueCatalogDatabase } from "../glue/glue_catalog_database/glue-catalog-database";
import type { DataLakeKey } from "../kms/kms-key";
import { prefixStatements, type S3Prefix } from "../shared/prefix-statements";
import { arn, servicePrincipal, type AwsContext } from "../shared/aws-context";
import { GLUE_TABLE_READ_ACTIONS } from "../shared/glue-catalog-actions";
import type { PolicyStatement } from "../shared/policy-document";
import type { AthenaWorkgroup } from "./athena-workgroup";

/** What the analyst runs in the workgroup: queries, their results and the saved (named) queries. */
export const ATHENA_QUERY_ACTIONS = [
  "athena:StartQueryExecution",
  "athena:StopQueryExecution",
  "athena:GetQueryExecution",
  "athena:BatchGetQueryExecution",
  "athena:ListQueryExecutions",
  "athena:GetQueryResults",
  "athena:GetQueryResultsStream",
  "athena:GetQueryRuntimeStatistics",
  "athena:GetWorkGroup",
  "athena:ListNamedQueries",
  "athena:GetNamedQuery",
  "athena:BatchGetNamedQuery",
];
/** Browsing the Data Catalog through Athena (what BI drivers call to list tables). */
export const ATHENA_CATALOG_ACTIONS = [
  "athena:GetDataCatalog",
  "athena:ListDatabases",
  "athena:GetDatabase",
  "athena:ListTableMetadata",
  "athena:GetTableMetadata",
];
/**
 * Listing actions without resource-level permissions that the JDBC and ODBC drivers (Power BI's
 * connector) call: Athena asks drivers for all of AWSQuicksightAthenaAccess's Athena actions
 * (https://docs.aws.amazon.com/athena/latest/ug/policy-actions.html); these are its read-only ones.
 */
export const ATHENA_LIST_ACTIONS = ["athena:ListDataCatalogs", "athena:ListWorkGroups", "athena:ListEngineVersions"];

/** Props for {@link AnalystRole}. */
export interface AnalystRoleProps {
  /** Account, region and partition of the environment. */
  readonly aws: AwsContext;
  /** Name of the IAM role. */
  readonly roleName: string;
  /** Role or user ARNs that may assume the role (a token list is allowed); may be empty. */
  readonly trustedPrincipalArns: string[];
  /**
   * Who may assume the role when `trustedPrincipalArns` is empty, e.g. the role that runs Terraform. Never the
   * account root: that would let any principal of the account whose own policy allows it (Checkov CKV_AWS_61).
   */
  readonly fallbackPrincipalArn: string;
  /** The workgroup the analyst queries in: the only one the role may use. */
  readonly workgroup: AthenaWorkgroup;
  /** The database the analyst reads (Gold). */
  readonly database: GlueCatalogDatabase;
  /** Where that database's tables keep their files. */
  readonly data: S3Prefix;
  /** The key of the data, the catalog and the query results. */
  readonly kmsKey: DataLakeKey;
  /**
   * Permissions boundary attached to the role, for accounts that require one.
   * @default - no boundary
   */
  readonly permissionsBoundaryArn?: string;
}

/**
 * A read-only role for dashboards and analysts (Power BI's Athena connector, the console): queries in
 * one workgroup over one database, its files, and the key through S3 and Glue only.
 */
export class AnalystRole extends Construct {
  /** The IAM role. */
  public readonly role: IamRole;
  /** ARN of the role. */
  public readonly roleArn: string;
  /** Name of the role. */
  public readonly roleName: string;

  public constructor(scope: Construct, id: string, props: AnalystRoleProps) {
    super(scope, id);
    const { aws, workgroup, database, kmsKey } = props;
    const viaService = (services: string[]) => ({
      test: "StringEquals",
      variable: "kms:ViaService",
      values: services.map((service) => servicePrincipal(aws, service, { regional: true })),
    });
    const statements: PolicyStatement[] = [
      { sid: "QueryInWorkgroup", effect: "Allow", actions: ATHENA_QUERY_ACTIONS, resources: [workgroup.workgroupArn] },
      {
        sid: "BrowseCatalog",
        effect: "Allow",
        actions: ATHENA_CATALOG_ACTIONS,
        resources: [arn(aws, "athena", "datacatalog/AwsDataCatalog")],
      },
      { sid: "ListWithDrivers", effect: "Allow", actions: ATHENA_LIST_ACTIONS, resources: ["*"] },
      {
        sid: "ReadTableDefinitions",
        effect: "Allow",
        // Athena reads table definitions with the caller's credentials.
        actions: GLUE_TABLE_READ_ACTIONS,
        resources: [arn(aws, "glue", "catalog"), database.databaseArn, database.tablesArn],
      },
      {
        sid: "OpenCatalog",
        effect: "Allow",
        // Athena reads the "default" database for every query and lists the databases for SHOW
        // DATABASES and a BI navigator (https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html):
        // names and descriptions only, no table of another database.
        actions: ["glue:GetDatabase", "glue:GetDatabases"],
        resources: [arn(aws, "glue", "catalog"), arn(aws, "glue", "database/default"), arn(aws, "glue", "database/*")],
      },
      // Athena reads the table files and writes the results with the caller's credentials.
      {
        sid: "LocateBucket",
        effect: "Allow",
        actions: ["s3:GetBucketLocation"],
        resources: [props.data.bucket.bucketArn, workgroup.results.bucket.bucketArn],
      },
      {
        sid: "ResultUploads",
        effect: "Allow",
        // Athena lists its unfinished result uploads with the caller's rights (https://docs.aws.amazon.com/athena/latest/ug/s3-permissions.html).
        actions: ["s3:ListBucketMultipartUploads"],
        // No s3:prefix: S3 does not evaluate it for this action; the listing shows key names only.
        resources: [workgroup.results.bucket.bucketArn],
      },
      ...prefixStatements("ReadData", [props.data], ["s3:GetObject"]),
      ...prefixStatements(
        "QueryResults",
        [workgroup.results],
        ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      ),
      {
        sid: "DecryptThroughS3AndGlue",
        effect: "Allow",
        actions: ["kms:Decrypt", "kms:DescribeKey"],
        resources: [kmsKey.keyArn],
        condition: [viaService(["s3", "glue"])],
      },
      {
        sid: "EncryptResultsThroughS3",
        effect: "Allow",
        actions: ["kms:GenerateDataKey"],
        resources: [kmsKey.keyArn],
        condition: [viaService(["s3"])],
      },
    ];

    // coalescelist: the configured principals, or the fallback when that list is empty.
    const trusted = Fn.coalescelist([props.trustedPrincipalArns, [props.fallbackPrincipalArn]]);
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [{ effect: "Allow", actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: Token.asList(trusted) }] }],
    });
    this.role = new IamRole(this, "role", {
      name: props.roleName,
      description: "Read-only access to the Gold tables through Athena",
      assumeRolePolicy: trust.json,
      maxSessionDuration: 3600,
      permissionsBoundary: props.permissionsBoundaryArn,
    });
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", { statement: statements });
    new IamRolePolicy(this, "policy", { name: "read-gold", role: this.role.id, policy: permissions.json });
    this.roleArn = this.role.arn;
    this.roleName = this.role.name;
  }
}
