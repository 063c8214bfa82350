import { GlueJob as GlueJobResource } from "@cdktf/provider-aws/lib/glue-job";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { ref, Token } from "cdktf";
import type { Construct } from "constructs";
import { ProcessedFilesTable } from "../../../../modules/dynamoDB/processed-files-table";
import { GlueCatalogDatabase } from "../../../../modules/glue/glue_catalog_database/glue-catalog-database";
import { GlueJob, type GlueJobProps } from "../../../../modules/glue/glue_job/glue-job";
import { GlueSecurityConfiguration } from "../../../../modules/glue/glue_security_configuration/glue-security-configuration";
import type { DataLakeKey } from "../../../../modules/kms/kms-key";
import type { SecureBucket } from "../../../../modules/s3/s3_bucket/secure-bucket";
import { MetricCareValidationError } from "../../../../modules/shared/errors";
import { ServiceRole } from "../../../../modules/shared/service-role";
import { testBucket, testObject } from "../../../support/construct-fixtures";
import { synthConstruct, type SynthesizedConstruct } from "../../../support/construct-synth";
import { policyStatements } from "../../../support/terraform-json";
import { TEST_AWS, testKey } from "../../../support/test-context";

interface Collaborators {
  readonly scope: Construct;
  readonly key: DataLakeKey;
  readonly scripts: SecureBucket;
  readonly lakehouse: SecureBucket;
  readonly bronze: GlueCatalogDatabase;
  readonly silver: GlueCatalogDatabase;
}

/**
 * The silver job: reads bronze/ and the bronze database, writes silver/ and the silver database,
 * with a script, one library and a config file in the scripts bucket. `change` replaces props.
 */
function silverJob(change: (c: Collaborators) => Partial<GlueJobProps> = () => ({})) {
  return synthConstruct((scope) => {
    const key = testKey(scope);
    const scripts = testBucket(scope, key, "scripts", "metriccare-scripts-dev");
    const lakehouse = testBucket(scope, key, "lakehouse", "metriccare-lakehouse-dev");
    const database = (layer: string) =>
      new GlueCatalogDatabase(scope, `${layer}_database`, {
        aws: TEST_AWS,
        databaseName: `metriccare_${layer}_dev`,
        description: layer,
        locationUri: `s3://lakehouse/${layer}/`,
      });
    const bronze = database("bronze");
    const silver = database("silver");
    const props: GlueJobProps = {
      aws: TEST_AWS,
      jobName: "metriccare_silver_job_dev",
      description: "Bronze to silver",
      script: testObject(scope, scripts, "script", "silver_job.py", "print('silver')\n", "glue/scripts/"),
      pythonLibraries: [testObject(scope, scripts, "library", "metriccare_etl.zip", "zip", "glue/libs/")],
      readsObjects: [testObject(scope, scripts, "config", "lakehouse.json", "{}", "config/")],
      glueVersion: "5.1",
      workerType: "G.1X",
      numberOfWorkers: 2,
      securityConfiguration: new GlueSecurityConfiguration(scope, "glue_security", {
        aws: TEST_AWS,
        name: "metriccare_glue_dev",
        kmsKey: key,
      }),
      tempDirectory: { bucket: lakehouse, prefix: "glue-temp/silver/" },
      access: {
        reads: [{ bucket: lakehouse, prefix: "bronze/" }],
        writes: [{ bucket: lakehouse, prefix: "silver/" }],
        readsDatabases: [bronze],
        writesDatabases: [silver],
      },
      logRetentionDays: 14,
      jobArguments: { "--env": "dev" },
    };
    return new GlueJob(scope, "silver_job", { ...props, ...change({ scope, key, scripts, lakehouse, bronze, silver }) });
  });
}

/** Expected references of the synthesized job's collaborators. */
function refs(synth: SynthesizedConstruct<GlueJob>) {
  const { ref } = synth;
  const lakehouse = ref("aws_s3_bucket", "lakehouse/bucket", "arn");
  const object = (id: string) => `${ref("aws_s3_bucket", "scripts/bucket", "arn")}/${ref("aws_s3_object", `${id}/object`, "key")}`;
  const s3Uri = (id: string) => `s3://${ref("aws_s3_object", `${id}/object`, "bucket")}/${ref("aws_s3_object", `${id}/object`, "key")}`;
  const database = (layer: string) => ref("aws_glue_catalog_database", `${layer}_database/database`, "arn");
  const tables = (layer: string) =>
    `arn:aws:glue:eu-west-1:123456789012:table/${ref("aws_glue_catalog_database", `${layer}_database/database`, "name")}/*`;
  return { lakehouse, object, s3Uri, database, tables, key: ref("aws_kms_key", "key/key", "arn") };
}

const CATALOG = "arn:aws:glue:eu-west-1:123456789012:catalog";
const CATALOG_READ = [
  "glue:GetDatabase",
  "glue:GetTable",
  "glue:GetTables",
  "glue:GetPartition",
  "glue:GetPartitions",
  "glue:BatchGetPartition",
  "glue:GetUserDefinedFunctions",
];
const CATALOG_WRITE = [
  "glue:CreateTable",
  "glue:UpdateTable",
  "glue:CreatePartition",
  "glue:BatchCreatePartition",
  "glue:UpdatePartition",
  "glue:BatchUpdatePartition",
  "glue:DeletePartition",
  "glue:BatchDeletePartition",
];
const WRITE_OBJECTS = [
  "s3:GetObject",
  "s3:GetObjectVersion",
  "s3:PutObject",
  "s3:DeleteObject",
  "s3:AbortMultipartUpload",
  "s3:ListMultipartUploadParts",
];

describe("GlueJob", () => {
  it("creates a Python Spark ETL job running the script with its role, security configuration and one run at a time", () => {
    // Act
    const synthesized = silverJob();
    // Assess
    const { synth, ref, address, resource } = synthesized;
    expect(synth).toHaveResourceWithProperties(GlueJobResource, {
      name: "metriccare_silver_job_dev",
      description: "Bronze to silver",
      role_arn: ref("aws_iam_role", "silver_job/role/role", "arn"),
      glue_version: "5.1",
      worker_type: "G.1X",
      number_of_workers: 2,
      // Glue reports STANDARD when none is given: unset, every plan would show it going to null.
      execution_class: "STANDARD",
      security_configuration: ref("aws_glue_security_configuration", "glue_security/configuration", "name"),
      execution_property: { max_concurrent_runs: 1 },
      command: { name: "glueetl", python_version: "3", script_location: refs(synthesized).s3Uri("script") },
    });
    expect(resource("aws_glue_job", "silver_job/job").depends_on).toEqual([address("aws_iam_role_policy", "silver_job/role/policy")]);
  });

  it("stops a run after 60 minutes and does not retry it by default", () => {
    // Act
    const { synth } = silverJob();
    // Assess
    expect(synth).toHaveResourceWithProperties(GlueJobResource, { timeout: 60, max_retries: 0 });
  });

  it("uses the timeout and retries given", () => {
    // Act
    const { synth } = silverJob(() => ({ timeoutMinutes: 120, maxRetries: 2 }));
    // Assess
    expect(synth).toHaveResourceWithProperties(GlueJobResource, { timeout: 120, max_retries: 2 });
  });

  it("passes the standard Hudi, catalog, bookmark and logging arguments, the temp dir, the libraries and the job's own arguments", () => {
    // Act
    const synthesized = silverJob();
    // Assess
    const { ref, resource } = synthesized;
    expect(resource("aws_glue_job", "silver_job/job").default_arguments).toEqual({
      "--job-language": "python",
      "--datalake-formats": "hudi",
      "--conf": [
        "spark.serializer=org.apache.spark.serializer.KryoSerializer",
        "spark.kryo.registrator=org.apache.spark.HoodieSparkKryoRegistrar",
        "spark.sql.extensions=org.apache.spark.sql.hudi.HoodieSparkSessionExtension",
        "spark.sql.catalog.spark_catalog=org.apache.spark.sql.hudi.catalog.HoodieCatalog",
        "spark.sql.hive.convertMetastoreParquet=false",
        `spark.hadoop.fs.s3a.endpoint.region=${TEST_AWS.region}`,
        "spark.hadoop.fs.s3a.encryption.algorithm=SSE-KMS",
        `spark.hadoop.fs.s3a.encryption.key=${ref("aws_kms_key", "key/key", "arn")}`,
      ].join(" --conf "),
      "--enable-glue-datacatalog": "true",
      "--job-bookmark-option": "job-bookmark-enable",
      "--enable-job-insights": "true",
      "--enable-metrics": "true",
      "--enable-observability-metrics": "true",
      "--TempDir": `s3://${ref("aws_s3_bucket", "lakehouse/bucket", "bucket")}/glue-temp/silver/`,
      "--extra-py-files": refs(synthesized).s3Uri("library"),
      "--env": "dev",
    });
  });

  it("lists several libraries comma-separated", () => {
    // Act
    const synthesized = silverJob(({ scope, scripts }) => ({
      pythonLibraries: [
        testObject(scope, scripts, "library_a", "a.zip", "a", "glue/libs/"),
        testObject(scope, scripts, "library_b", "b.zip", "b", "glue/libs/"),
      ],
    }));
    // Assess
    const { s3Uri } = refs(synthesized);
    expect((synthesized.resource("aws_glue_job", "silver_job/job").default_arguments as Record<string, string>)["--extra-py-files"]).toBe(
      `${s3Uri("library_a")},${s3Uri("library_b")}`,
    );
  });

  it("passes no --extra-py-files and no job arguments of its own when there are none", () => {
    // Act
    const { resource } = silverJob(() => ({ pythonLibraries: undefined, jobArguments: undefined }));
    // Assess
    expect(Object.keys(resource("aws_glue_job", "silver_job/job").default_arguments as object)).toEqual([
      "--job-language",
      "--datalake-formats",
      "--enable-glue-datacatalog",
      "--job-bookmark-option",
      "--enable-job-insights",
      "--enable-metrics",
      "--enable-observability-metrics",
      "--conf",
      "--TempDir",
    ]);
  });

  it("may read only its script when it has no libraries and reads no other objects", () => {
    // Act
    const synthesized = silverJob(() => ({ pythonLibraries: undefined, readsObjects: undefined }));
    // Assess
    const statements = policyStatements(
      synthesized.json,
      synthesized.dataRef("aws_iam_policy_document", "silver_job/role/permissions", "json"),
    );
    expect(statements[0]).toEqual({
      sid: "ReadCode",
      effect: "Allow",
      actions: ["s3:GetObject"],
      resources: [refs(synthesized).object("script")],
    });
  });

  describe("role", () => {
    it("is the job's own role, assumed by Glue, named after the job, without a permissions boundary by default", () => {
      // Act
      const { synth, json, resource } = silverJob();
      // Assess
      expect(synth).toHaveResourceWithProperties(IamRole, {
        name: "metriccare_silver_job_dev",
        description: "Role of the metriccare_silver_job_dev Glue job",
      });
      const role = resource("aws_iam_role", "silver_job/role/role");
      expect(role).not.toHaveProperty("permissions_boundary");
      expect(policyStatements(json, role.assume_role_policy)).toEqual([
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["glue.amazonaws.com"] }],
        },
      ]);
    });

    it("has the permissions boundary given", () => {
      // Act
      const { synth } = silverJob(() => ({ permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary" }));
      // Assess
      expect(synth).toHaveResourceWithProperties(IamRole, { permissions_boundary: "arn:aws:iam::123456789012:policy/boundary" });
    });

    it("may read its code, read and list its read prefixes, write and list its write prefixes and temp dir, use the key, the catalog databases it names, its logs and metrics, and nothing else", () => {
      // Act
      const synthesized = silverJob();
      // Assess
      const { lakehouse, object, database, tables, key } = refs(synthesized);
      const statements = policyStatements(
        synthesized.json,
        synthesized.dataRef("aws_iam_policy_document", "silver_job/role/permissions", "json"),
      );
      expect(statements).toEqual([
        { sid: "ReadCode", effect: "Allow", actions: ["s3:GetObject"], resources: [object("script"), object("library"), object("config")] },
        // The scripts bucket's key, through S3: Glue reads the code with the job's role.
        {
          sid: "DecryptCodeThroughS3",
          effect: "Allow",
          actions: ["kms:Decrypt"],
          resources: [key],
          condition: [{ test: "StringEquals", variable: "kms:ViaService", values: ["s3.eu-west-1.amazonaws.com"] }],
        },
        {
          sid: "ReadObjects0",
          effect: "Allow",
          actions: ["s3:GetObject", "s3:GetObjectVersion"],
          resources: [`${lakehouse}/bronze`, `${lakehouse}/bronze/*`],
        },
        {
          sid: "ReadList0",
          effect: "Allow",
          actions: ["s3:ListBucket"],
          resources: [lakehouse],
          condition: [{ test: "StringLike", variable: "s3:prefix", values: ["bronze", "bronze/*"] }],
        },
        { sid: "WriteObjects0", effect: "Allow", actions: WRITE_OBJECTS, resources: [`${lakehouse}/silver`, `${lakehouse}/silver/*`] },
        {
          sid: "WriteList0",
          effect: "Allow",
          actions: ["s3:ListBucket"],
          resources: [lakehouse],
          condition: [{ test: "StringLike", variable: "s3:prefix", values: ["silver", "silver/*"] }],
        },
        {
          sid: "WriteObjects1",
          effect: "Allow",
          actions: WRITE_OBJECTS,
          resources: [`${lakehouse}/glue-temp/silver`, `${lakehouse}/glue-temp/silver/*`],
        },
        {
          sid: "WriteList1",
          effect: "Allow",
          actions: ["s3:ListBucket"],
          resources: [lakehouse],
          condition: [{ test: "StringLike", variable: "s3:prefix", values: ["glue-temp/silver", "glue-temp/silver/*"] }],
        },
        {
          sid: "WriteListAncestors1",
          effect: "Allow",
          actions: ["s3:ListBucket"],
          resources: [lakehouse],
          condition: [
            { test: "StringEquals", variable: "s3:prefix", values: ["glue-temp/"] },
            { test: "StringEquals", variable: "s3:delimiter", values: ["/"] },
          ],
        },
        {
          sid: "UseEnvironmentKeyThroughServices",
          effect: "Allow",
          actions: ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
          resources: [key],
          condition: [
            {
              test: "StringEquals",
              variable: "kms:ViaService",
              values: ["s3", "dynamodb", "sns", "sqs", "lambda", "glue"].map((s) => `${s}.eu-west-1.amazonaws.com`),
            },
          ],
        },
        {
          sid: "EncryptJobBookmarksAndLogs",
          effect: "Allow",
          actions: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
          resources: [key],
        },
        {
          sid: "ReadCatalog",
          effect: "Allow",
          actions: CATALOG_READ,
          resources: [CATALOG, database("bronze"), tables("bronze"), database("silver"), tables("silver")],
        },
        {
          sid: "HiveSyncListsCatalog",
          effect: "Allow",
          actions: ["glue:GetDatabases", "glue:GetUserDefinedFunctions"],
          resources: [
            CATALOG,
            "arn:aws:glue:eu-west-1:123456789012:database/*",
            "arn:aws:glue:eu-west-1:123456789012:userDefinedFunction/*/*",
          ],
        },
        {
          sid: "DefaultDatabase",
          effect: "Allow",
          actions: ["glue:GetDatabase", "glue:CreateDatabase"],
          resources: [CATALOG, "arn:aws:glue:eu-west-1:123456789012:database/default"],
        },
        { sid: "WriteCatalog", effect: "Allow", actions: CATALOG_WRITE, resources: [CATALOG, database("silver"), tables("silver")] },
        {
          sid: "WriteGlueLogs",
          effect: "Allow",
          actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
          resources: ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws-glue/jobs/*"],
        },
        {
          sid: "PublishJobMetrics",
          effect: "Allow",
          actions: ["cloudwatch:PutMetricData"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["Glue"] }],
        },
      ]);
    });

    it("may not write the catalog when the job writes no database", () => {
      // Act
      const synthesized = silverJob(({ bronze }) => ({ access: { reads: [], writes: [], readsDatabases: [bronze], writesDatabases: [] } }));
      // Assess
      const statements = policyStatements(
        synthesized.json,
        synthesized.dataRef("aws_iam_policy_document", "silver_job/role/permissions", "json"),
      );
      expect(statements.map((s) => s.sid)).toEqual([
        "ReadCode",
        "DecryptCodeThroughS3",
        "WriteObjects0",
        "WriteList0",
        "WriteListAncestors0",
        "UseEnvironmentKeyThroughServices",
        "EncryptJobBookmarksAndLogs",
        "ReadCatalog",
        "HiveSyncListsCatalog",
        "DefaultDatabase",
        "WriteGlueLogs",
        "PublishJobMetrics",
      ]);
    });

    it("may claim and finish files in the processed-files table when given one, but not create items", () => {
      // Act
      const synthesized = silverJob(({ scope, key }) => ({
        access: {
          reads: [],
          writes: [],
          readsDatabases: [],
          writesDatabases: [],
          processedFiles: new ProcessedFilesTable(scope, "processed_files", { tableName: "t", kmsKey: key, deletionProtection: false }),
        },
      }));
      // Assess
      const table = synthesized.ref("aws_dynamodb_table", "processed_files/table", "arn");
      const statements = policyStatements(
        synthesized.json,
        synthesized.dataRef("aws_iam_policy_document", "silver_job/role/permissions", "json"),
      );
      expect(statements.slice(-2)).toEqual([
        { sid: "ClaimProcessedFiles", effect: "Allow", actions: ["dynamodb:UpdateItem"], resources: [table] },
        { sid: "FindFilesByStatus", effect: "Allow", actions: ["dynamodb:Query"], resources: [`${table}/index/status_index`] },
      ]);
    });
  });

  it("creates exactly the output and error log groups Glue 5.x writes to with a security configuration, with the retention and key", () => {
    // Act
    const { resource, ref, json } = silverJob();
    // Assess
    expect(Object.keys((json.resource as Record<string, object>).aws_cloudwatch_log_group)).toHaveLength(2);
    // The configured name, not a reference: the key policy lists these groups and the configuration uses the key.
    const securityConfiguration = "metriccare_glue_dev";
    for (const stream of ["output", "error"]) {
      expect(resource("aws_cloudwatch_log_group", `silver_job/${stream}_logs/log_group`)).toMatchObject({
        name: `/aws-glue/jobs/${securityConfiguration}-role/metriccare_silver_job_dev/${stream}`,
        retention_in_days: 14,
        kms_key_id: ref("aws_kms_key", "key/key", "arn"),
      });
    }
  });

  it("exposes the job, its name and ARN, its role and its log groups", () => {
    // Act
    const { built, resolve, ref } = silverJob();
    // Assess
    expect(built.job).toBeInstanceOf(GlueJobResource);
    expect(resolve(built.jobName)).toBe(ref("aws_glue_job", "silver_job/job", "name"));
    expect(resolve(built.jobArn)).toBe(ref("aws_glue_job", "silver_job/job", "arn"));
    expect(built.role).toBeInstanceOf(ServiceRole);
    expect(resolve(built.role.roleArn)).toBe(ref("aws_iam_role", "silver_job/role/role", "arn"));
    expect(built.logGroups.map((g) => resolve(g.logGroupName))).toEqual([
      ref("aws_cloudwatch_log_group", "silver_job/output_logs/log_group", "name"),
      ref("aws_cloudwatch_log_group", "silver_job/error_logs/log_group", "name"),
    ]);
  });

  describe("validation", () => {
    it.each<[string, Partial<GlueJobProps>, string]>([
      ["a single worker", { numberOfWorkers: 1 }, "`numberOfWorkers` must be an integer between 2 and 1000, got 1."],
      ["Glue 3.0", { glueVersion: "3.0" as never }, '`glueVersion` must be one of "5.1", got "3.0".'],
      [
        "an unknown worker type",
        { workerType: "G.3X" },
        '`workerType` must be one of "G.1X", "G.2X", "G.4X", "G.8X", "G.12X", "G.16X", "R.1X", "R.2X", "R.4X", "R.8X", got "G.3X".',
      ],
      ["a timeout above 7 days", { timeoutMinutes: 10081 }, "`timeoutMinutes` must be an integer between 1 and 10080 minutes, got 10081."],
      ["11 retries", { maxRetries: 11 }, "`maxRetries` must be an integer between 0 and 10, got 11."],
    ])("rejects %s", (_, props, message) => {
      // Act
      const act = () => silverJob(() => props);
      // Assess
      expect(act).toThrow(MetricCareValidationError);
      expect(act).toThrow(`GlueJob "silver_job": ${message}`);
    });

    it.each(["env", "--env name", "-env"])("rejects the job argument name %p", (name) => {
      // Act
      const act = () => silverJob(() => ({ jobArguments: { [name]: "dev" } }));
      // Assess
      expect(act).toThrow(MetricCareValidationError);
      expect(act).toThrow(`GlueJob "silver_job": \`jobArguments\` keys must look like "--name" (letters, digits, _ and -), got "${name}".`);
    });

    it.each(["--TempDir", "--extra-py-files", "--conf", "--datalake-formats", "--job-bookmark-option"])(
      "rejects the job argument %p, which the construct sets",
      (name) => {
        // Act
        const act = () => silverJob(() => ({ jobArguments: { [name]: "x" } }));
        // Assess
        expect(act).toThrow(MetricCareValidationError);
        expect(act).toThrow(`GlueJob "silver_job": \`jobArguments\` must not set "${name}": the construct sets it.`);
      },
    );

    it.each<[string, (c: Collaborators) => Partial<GlueJobProps>, string]>([
      [
        "a read prefix without a trailing slash",
        ({ lakehouse }) => ({
          access: { reads: [{ bucket: lakehouse, prefix: "bronze" }], writes: [], readsDatabases: [], writesDatabases: [] },
        }),
        "bronze",
      ],
      [
        "a write prefix with a leading slash",
        ({ lakehouse }) => ({
          access: { reads: [], writes: [{ bucket: lakehouse, prefix: "/silver/" }], readsDatabases: [], writesDatabases: [] },
        }),
        "/silver/",
      ],
      ["an empty temp dir prefix", ({ lakehouse }) => ({ tempDirectory: { bucket: lakehouse, prefix: "" } }), ""],
    ])("rejects %s", (_, change, prefix) => {
      // Act
      const act = () => silverJob(change);
      // Assess
      expect(act).toThrow(MetricCareValidationError);
      expect(act).toThrow(`GlueJob "silver_job": S3 prefixes must end with "/" and not start with "/", got "${prefix}".`);
    });

    it("skips unresolved tokens (per-workspace worker type, workers, timeout and retries)", () => {
      // Act
      const { synth } = silverJob(() => ({
        workerType: Token.asString(ref("local.worker_type")),
        numberOfWorkers: Token.asNumber(ref("local.workers")),
        timeoutMinutes: Token.asNumber(ref("local.timeout")),
        maxRetries: Token.asNumber(ref("local.retries")),
      }));
      // Assess
      expect(synth).toHaveResourceWithProperties(GlueJobResource, {
        worker_type: "${local.worker_type}",
        number_of_workers: "${local.workers}",
        timeout: "${local.timeout}",
        max_retries: "${local.retries}",
      });
    });
  });
});
