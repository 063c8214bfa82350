import type { Value } from "../iam/terraform-expressions";
import type { WorkspacePolicies } from "../iam/workspace-policies";
import type { JourneyCall } from "./journey";
import type { ArnScope } from "./recorded-calls";

// The journeys no local tool can walk, written from the AWS pages that describe them, one call per
// line: what AWS services do at run time with the roles of the stack (Glue running a job, Lambda
// invoking the function, CloudTrail and EventBridge delivering), and what an analyst, Power BI and an
// auditor call. Names and ARNs come from the workspace's synthesized resources.

const GLUE_ROLE = "https://docs.aws.amazon.com/glue/latest/dg/create-an-iam-role.html";
const GLUE_ENCRYPTION = "https://docs.aws.amazon.com/glue/latest/dg/set-up-encryption.html";
const GLUE_LOGS = "https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging-enable.html";
const GLUE_HIVE_CLIENT =
  "Glue's Hive metastore client (awslabs/aws-glue-data-catalog-client-for-apache-hive-metastore, GlueMetastoreClientDelegate), which Hudi's Hive sync uses on Glue";
const LAMBDA_ROLE = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html";
const LAMBDA_ENVIRONMENT = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html";
const LAMBDA_DESTINATIONS = "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html";
const LAMBDA_XRAY = "https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html";
const LAMBDA_LOGS = "https://docs.aws.amazon.com/lambda/latest/dg/permissions-source-function-arn.html";
const LOGS_KMS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html";
const S3_KMS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html";
const SQS_KMS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html";
const SNS_KMS = "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html";
const EVENTBRIDGE_TARGETS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html";
const S3_NOTIFICATIONS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html";
const CLOUDTRAIL_BUCKET = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html";
const CLOUDTRAIL_KMS = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html";
const CLOUDTRAIL_READ = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-kms-works-with-cloudtrail.html";
const ATHENA_GLUE = "https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html";
const ATHENA_S3 = "https://docs.aws.amazon.com/athena/latest/ug/s3-permissions.html";
const ATHENA_KMS = "https://docs.aws.amazon.com/athena/latest/ug/encryption.html";
const ATHENA_DRIVERS = "https://docs.aws.amazon.com/athena/latest/ug/policy-actions.html";
const ATHENA_ODBC = "https://docs.aws.amazon.com/athena/latest/ug/odbc-v4-driver.html";

const CALLED_VIA_ATHENA = { "aws:CalledVia": ["athena.amazonaws.com"], "aws:ViaAWSService": "true" } as const;

/** The names and ARNs the journeys need, from one workspace's resolved stack. */
class Stack {
  public constructor(
    private readonly policies: WorkspacePolicies,
    public readonly scope: ArnScope,
  ) {}

  public at(type: string, path: string): Record<string, Value> {
    const found = this.policies.resourceAt(type, `/${path}`);
    if (found === undefined) throw new Error(`No ${type} at ${path} in this workspace.`);
    return found;
  }

  public has(type: string, path: string): boolean {
    return this.policies.resourceAt(type, `/${path}`) !== undefined;
  }

  public arn(service: string, resource: string): string {
    return `arn:aws:${service}:${this.scope.region}:${this.scope.accountId}:${resource}`;
  }

  public via(service: string): Record<string, string> {
    return { "kms:ViaService": `${service}.${this.scope.region}.amazonaws.com`, "kms:CallerAccount": this.scope.accountId };
  }

  /** The S3 → KMS call for an object (S3 Bucket Keys: the bucket ARN is the encryption context). */
  public s3Kms(
    actor: string,
    action: string,
    bucket: string,
    key: string,
    extra: Record<string, string | readonly string[]> = {},
  ): JourneyCall {
    const encryption = this.policies.bucketEncryption(bucket);
    if (encryption === undefined) throw new Error(`Bucket ${bucket} is not SSE-KMS in this workspace.`);
    const context = encryption.bucketKey ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;
    return {
      actor,
      action,
      resource: encryption.keyArn,
      context: { ...this.via("s3"), "kms:EncryptionContext:aws:s3:arn": context, ...extra },
      why: `S3 calls KMS as the caller for SSE-KMS objects (${S3_KMS})`,
    };
  }
}

const LAYERS = ["bronze", "silver", "gold"] as const;

/** What Glue does with a job's role while it runs the job (documented calls; the job's own S3 and DynamoDB calls are recorded). */
export function glueJobRuntime(policies: WorkspacePolicies, scope: ArnScope): JourneyCall[] {
  const stack = new Stack(policies, scope);
  const securityConfiguration = stack.at("aws_glue_security_configuration", "glue_security/configuration");
  const encryption = securityConfiguration.encryption_configuration as Record<string, Record<string, Value>>;
  const bookmarkKey = String(encryption.job_bookmarks_encryption?.kms_key_arn);
  const calls: JourneyCall[] = [];
  for (const layer of LAYERS) {
    const actor = `${layer}_job`;
    const job = stack.at("aws_glue_job", `${layer}_job/job`);
    const role = stack.at("aws_iam_role", `${layer}_job/role/role`);
    const args = job.default_arguments as Record<string, string>;
    const code = [
      String((job.command as Record<string, Value>).script_location),
      ...(args["--extra-py-files"] ?? "").split(","),
      args["--lakehouse_config_uri"] ?? "",
    ]
      .filter((uri) => uri.startsWith("s3://"))
      .map((uri) => uri.slice("s3://".length));
    const database = args[`--${layer}_database`] ?? "";
    calls.push({
      actor: "service:glue.amazonaws.com",
      action: "sts:AssumeRole",
      resource: String(role.arn),
      context: {},
      why: `Glue assumes the job's role; no page documents aws:SourceArn or aws:SourceAccount for it (${GLUE_ROLE})`,
    });
    for (const path of code) {
      const [bucket = "", ...key] = path.split("/");
      calls.push({
        actor,
        action: "s3:GetObject",
        resource: `arn:aws:s3:::${path}`,
        context: {},
        why: `Glue reads the script, libraries and files with the job's role (${GLUE_ROLE})`,
      });
      calls.push(stack.s3Kms(actor, "kms:Decrypt", bucket, key.join("/")));
    }
    for (const action of ["kms:Encrypt", "kms:Decrypt"]) {
      calls.push({
        actor,
        action,
        resource: bookmarkKey,
        context: {},
        why: `an encrypted (CSE-KMS) job bookmark needs kms:Encrypt and kms:Decrypt, called by the job without a service in between (${GLUE_ENCRYPTION})`,
      });
    }
    for (const stream of ["output", "error"]) {
      const group = String(stack.at("aws_cloudwatch_log_group", `${layer}_job/${stream}_logs/log_group`).name);
      const groupArn = stack.arn("logs", `log-group:${group}`);
      for (const action of ["logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"]) {
        calls.push({
          actor,
          action,
          resource: `${groupArn}:log-stream:jr_1`,
          context: {},
          why: `the job writes its logs and associates the security configuration's key (${GLUE_LOGS})`,
        });
      }
      for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
        calls.push({
          actor: `service:logs.${scope.region}.amazonaws.com`,
          action,
          resource: bookmarkKey,
          context: { "kms:EncryptionContext:aws:logs:arn": groupArn },
          why: `CloudWatch Logs encrypts the group with its own principal (${LOGS_KMS})`,
        });
      }
    }
    calls.push({
      actor,
      action: "cloudwatch:PutMetricData",
      resource: "*",
      context: { "cloudwatch:namespace": "Glue" },
      why: `Glue publishes the job's metrics (--enable-metrics) with the job's role (${GLUE_ROLE})`,
    });
    const catalog = stack.arn("glue", "catalog");
    const hiveSync: [string, string[]][] = [
      ["glue:GetDatabase", [catalog, stack.arn("glue", "database/default")]],
      ["glue:GetDatabases", [catalog, stack.arn("glue", "database/*")]],
      [
        "glue:GetUserDefinedFunctions",
        [catalog, stack.arn("glue", `database/${database}`), stack.arn("glue", `userDefinedFunction/${database}/*`)],
      ],
      ...["glue:GetDatabase"].map((a): [string, string[]] => [a, [catalog, stack.arn("glue", `database/${database}`)]]),
      ...[
        "glue:GetTable",
        "glue:GetTables",
        "glue:CreateTable",
        "glue:UpdateTable",
        "glue:GetPartitions",
        "glue:BatchCreatePartition",
        "glue:BatchUpdatePartition",
        "glue:BatchDeletePartition",
      ].map((a): [string, string[]] => [
        a,
        [catalog, stack.arn("glue", `database/${database}`), stack.arn("glue", `table/${database}/patient`)],
      ]),
    ];
    for (const [action, resources] of hiveSync)
      for (const resource of resources)
        calls.push({ actor, action, resource, context: {}, why: `Hudi's Hive sync through ${GLUE_HIVE_CLIENT}` });
  }
  return calls;
}

/** What Lambda does with the trigger's role when it invokes the function (its own calls are recorded). */
export function lambdaRuntime(policies: WorkspacePolicies, scope: ArnScope): JourneyCall[] {
  const stack = new Stack(policies, scope);
  const actor = "trigger";
  const fn = stack.at("aws_lambda_function", "trigger_glue/function");
  const role = stack.at("aws_iam_role", "trigger_glue/role/role");
  const group = String(stack.at("aws_cloudwatch_log_group", "trigger_glue/logs/log_group").name);
  const queue = stack.at("aws_sqs_queue", "trigger_glue/on_failure/queue");
  const envKey = String(fn.kms_key_arn);
  return [
    {
      actor: "service:lambda.amazonaws.com",
      action: "sts:AssumeRole",
      resource: String(role.arn),
      context: {},
      why: `Lambda assumes the execution role (${LAMBDA_ROLE})`,
    },
    {
      actor,
      action: "kms:Decrypt",
      resource: envKey,
      context: {},
      grants: [{ granteeArn: String(role.arn), operations: ["kms:Decrypt"] }],
      why: `Lambda decrypts the environment with the execution role through the grant it made at deployment (${LAMBDA_ENVIRONMENT})`,
    },
    ...["logs:CreateLogStream", "logs:PutLogEvents"].map((action) => ({
      actor,
      action,
      resource: stack.arn("logs", `log-group:${group}:log-stream:2026/12/07/[$LATEST]0`),
      context: { "lambda:SourceFunctionArn": String(fn.arn) },
      why: `Lambda writes the function's logs with the execution role (${LAMBDA_LOGS})`,
    })),
    ...["xray:PutTraceSegments", "xray:PutTelemetryRecords"].map((action) => ({
      actor,
      action,
      resource: "*",
      context: {},
      why: `active tracing sends segments with the execution role (${LAMBDA_XRAY})`,
    })),
    {
      actor,
      action: "sqs:SendMessage",
      resource: String(queue.arn),
      context: {},
      why: `Lambda sends a failed asynchronous event to the on-failure destination with the execution role (${LAMBDA_DESTINATIONS})`,
    },
    ...["kms:GenerateDataKey", "kms:Decrypt"].map((action) => ({
      actor,
      action,
      resource: String(queue.kms_master_key_id),
      context: stack.via("sqs"),
      why: `an encrypted destination queue needs the execution role's KMS rights (${LAMBDA_DESTINATIONS}; ${SQS_KMS})`,
    })),
    ...["kms:GenerateDataKey", "kms:Decrypt"].map((action) => ({
      actor: `service:logs.${scope.region}.amazonaws.com`,
      action,
      resource: String(stack.at("aws_cloudwatch_log_group", "trigger_glue/logs/log_group").kms_key_id),
      context: { "kms:EncryptionContext:aws:logs:arn": stack.arn("logs", `log-group:${group}`) },
      why: `CloudWatch Logs encrypts the function's log group with its own principal (${LOGS_KMS})`,
    })),
  ];
}

/** Deliveries by AWS services: S3 and EventBridge (schedule, job states, freshness check) invoking the trigger, EventBridge and alarms alerting, dead letters, CloudTrail. */
export function serviceDeliveries(policies: WorkspacePolicies, scope: ArnScope): JourneyCall[] {
  const stack = new Stack(policies, scope);
  const fn = String(stack.at("aws_lambda_function", "trigger_glue/function").arn);
  const raw = String(stack.at("aws_s3_bucket", "raw_bucket/bucket").bucket);
  const topic = stack.at("aws_sns_topic", "alerts/topic");
  const dlq = stack.at("aws_sqs_queue", "event_bridge/dead_letter_queue/queue");
  const rules = ["schedule", "job_state", "freshness_check"].map((r) =>
    String(stack.at("aws_cloudwatch_event_rule", `event_bridge/${r}`).arn),
  );
  const [scheduleRule = "", jobStateRule = ""] = rules;
  const alarms = policies
    .argumentOf("aws_cloudwatch_metric_alarm", "alarm_name")
    .map((name) => stack.arn("cloudwatch", `alarm:${String(name)}`));
  const calls: JourneyCall[] = [
    {
      actor: "service:s3.amazonaws.com",
      action: "lambda:InvokeFunction",
      resource: fn,
      context: { "aws:SourceArn": `arn:aws:s3:::${raw}`, "aws:SourceAccount": scope.accountId },
      why: `S3 invokes the function for the raw bucket's events (${S3_NOTIFICATIONS})`,
    },
    ...rules.map((rule) => ({
      actor: "service:events.amazonaws.com",
      action: "lambda:InvokeFunction",
      resource: fn,
      context: { "aws:SourceArn": rule, "aws:SourceAccount": scope.accountId },
      why: `EventBridge invokes a target with the rule as source (${EVENTBRIDGE_TARGETS})`,
    })),
    {
      actor: "service:events.amazonaws.com",
      action: "sns:Publish",
      resource: String(topic.arn),
      context: { "aws:SourceArn": jobStateRule, "aws:SourceAccount": scope.accountId },
      why: `EventBridge publishes the job-state alert (${EVENTBRIDGE_TARGETS})`,
    },
    ...["kms:GenerateDataKey", "kms:Decrypt"].map((action) => ({
      actor: "service:events.amazonaws.com",
      action,
      resource: String(topic.kms_master_key_id),
      context: { "kms:EncryptionContext:aws:sns:topicArn": String(topic.arn) },
      why: `EventBridge publishing to an encrypted topic needs kms:GenerateDataKey* and kms:Decrypt in the key policy, without aws:SourceArn (${SNS_KMS})`,
    })),
    ...alarms.flatMap((alarm) => [
      {
        actor: "service:cloudwatch.amazonaws.com",
        action: "sns:Publish",
        resource: String(topic.arn),
        context: { "aws:SourceArn": alarm, "aws:SourceAccount": scope.accountId },
        why: `an alarm publishes its state change (${SNS_KMS})`,
      },
      ...["kms:GenerateDataKey", "kms:Decrypt"].map((action) => ({
        actor: "service:cloudwatch.amazonaws.com",
        action,
        resource: String(topic.kms_master_key_id),
        context: {
          "kms:EncryptionContext:aws:sns:topicArn": String(topic.arn),
          "aws:SourceArn": alarm,
          "aws:SourceAccount": scope.accountId,
        },
        why: `an alarm publishing to an encrypted topic needs kms:GenerateDataKey* and kms:Decrypt in the key policy (${SNS_KMS})`,
      })),
    ]),
    ...[scheduleRule, jobStateRule].flatMap((rule) => [
      {
        actor: "service:events.amazonaws.com",
        action: "sqs:SendMessage",
        resource: String(dlq.arn),
        context: { "aws:SourceArn": rule },
        why: `EventBridge sends an undeliverable event to the rule's dead-letter queue (${EVENTBRIDGE_TARGETS})`,
      },
      ...["kms:GenerateDataKey", "kms:Decrypt"].map((action) => ({
        actor: "service:events.amazonaws.com",
        action,
        resource: String(dlq.kms_master_key_id),
        context: { "aws:SourceArn": rule, "aws:SourceAccount": scope.accountId },
        why: `an event source sending to an encrypted queue needs kms:Decrypt and kms:GenerateDataKey in the key policy (${SQS_KMS})`,
      })),
    ]),
  ];
  if (stack.has("aws_cloudtrail", "cloudtrail/trail")) {
    const trail = String(stack.at("aws_cloudtrail", "cloudtrail/trail").arn);
    const bucket = String(stack.at("aws_s3_bucket", "cloudtrail/bucket/bucket").bucket);
    const logFile = `AWSLogs/${scope.accountId}/CloudTrail/${scope.region}/2026/12/07/${scope.accountId}_CloudTrail_${scope.region}_20261207T0000Z_x.json.gz`;
    const key = String(stack.at("aws_kms_key", "audit_kms/key").arn);
    const fromTrail = { "aws:SourceArn": trail, "aws:SourceAccount": scope.accountId };
    calls.push(
      {
        actor: "service:cloudtrail.amazonaws.com",
        action: "s3:GetBucketAcl",
        resource: `arn:aws:s3:::${bucket}`,
        context: fromTrail,
        why: `CloudTrail checks the bucket ACL (${CLOUDTRAIL_BUCKET})`,
      },
      {
        actor: "service:cloudtrail.amazonaws.com",
        action: "s3:PutObject",
        resource: `arn:aws:s3:::${bucket}/${logFile}`,
        context: {
          ...fromTrail,
          "s3:x-amz-acl": "bucket-owner-full-control",
          "s3:x-amz-server-side-encryption": "aws:kms",
          "s3:x-amz-server-side-encryption-aws-kms-key-id": key,
        },
        why: `CloudTrail delivers a log file (${CLOUDTRAIL_BUCKET})`,
      },
      {
        actor: "service:cloudtrail.amazonaws.com",
        action: "kms:GenerateDataKey",
        resource: key,
        context: {
          ...fromTrail,
          "kms:EncryptionContext:aws:cloudtrail:arn": trail,
          "kms:EncryptionContext:aws:s3:arn": `arn:aws:s3:::${bucket}/${logFile}`,
        },
        why: `S3 asks KMS for a data key on behalf of CloudTrail (${CLOUDTRAIL_READ}; ${CLOUDTRAIL_KMS})`,
      },
      {
        actor: "service:cloudtrail.amazonaws.com",
        action: "kms:DescribeKey",
        resource: key,
        context: fromTrail,
        why: `CloudTrail describes the key (${CLOUDTRAIL_KMS})`,
      },
    );
  }
  return calls;
}

/** An analyst (or Power BI through its gateway's role) running a named query over a Gold table in Athena. */
export function analystQuery(policies: WorkspacePolicies, scope: ArnScope): JourneyCall[] {
  const stack = new Stack(policies, scope);
  const actor = "analyst";
  const workgroup = stack.at("aws_athena_workgroup", "athena/workgroup");
  const output = String(
    ((workgroup.configuration as Record<string, Value>).result_configuration as Record<string, Value>).output_location,
  ).slice("s3://".length);
  const [resultsBucket = "", ...resultsPrefix] = output.split("/");
  const results = `${resultsPrefix.join("/").replace(/\/?$/, "/")}20261207/q-1.csv`;
  const database = String(stack.at("aws_glue_catalog_database", "gold_database/database").name);
  const lakehouse = String(stack.at("aws_s3_bucket", "lakehouse_bucket/bucket").bucket);
  const table = "readmission_rate_30d";
  const file = `gold/${table}/00000000-0000-0000-0000-000000000000-0_0-1-1_20261207000000000.parquet`;
  const workgroupArn = String(workgroup.arn);
  const catalog = stack.arn("glue", "catalog");
  const athena = (action: string, why: string): JourneyCall => ({ actor, action, resource: workgroupArn, context: {}, why });
  const glue = (action: string, resources: string[]): JourneyCall[] =>
    resources.map((resource) => ({
      actor,
      action,
      resource,
      context: CALLED_VIA_ATHENA,
      why: `Athena reads the catalog with the caller's credentials (${ATHENA_GLUE})`,
    }));
  const s3 = (action: string, resource: string, context: Record<string, string> = {}): JourneyCall => ({
    actor,
    action,
    resource,
    context: { ...CALLED_VIA_ATHENA, ...context },
    why: `Athena reads the data and writes the results with the caller's credentials (${ATHENA_S3})`,
  });
  const encryptionKey = String(
    (
      ((workgroup.configuration as Record<string, Value>).result_configuration as Record<string, Value>).encryption_configuration as Record<
        string,
        Value
      >
    ).kms_key_arn,
  );
  return [
    athena("athena:StartQueryExecution", "the query"),
    athena("athena:GetQueryExecution", "polling the query"),
    athena("athena:GetQueryResults", "reading the rows"),
    athena("athena:GetWorkGroup", `the ODBC driver reads the workgroup at connection (${ATHENA_ODBC})`),
    athena("athena:GetNamedQuery", "opening a saved query"),
    ...glue("glue:GetDatabase", [catalog, stack.arn("glue", "database/default")]),
    ...glue("glue:GetDatabase", [catalog, stack.arn("glue", `database/${database}`)]),
    ...["glue:GetTable", "glue:GetPartitions"].flatMap((action) =>
      glue(action, [catalog, stack.arn("glue", `database/${database}`), stack.arn("glue", `table/${database}/${table}`)]),
    ),
    s3("s3:GetBucketLocation", `arn:aws:s3:::${lakehouse}`),
    s3("s3:ListBucket", `arn:aws:s3:::${lakehouse}`, { "s3:prefix": `gold/${table}/` }),
    s3("s3:GetObject", `arn:aws:s3:::${lakehouse}/${file}`),
    {
      ...stack.s3Kms(actor, "kms:Decrypt", lakehouse, file, CALLED_VIA_ATHENA),
      why: `reading an SSE-KMS table file needs kms:Decrypt (${ATHENA_KMS})`,
    },
    s3("s3:ListBucketMultipartUploads", `arn:aws:s3:::${resultsBucket}`),
    s3("s3:PutObject", `arn:aws:s3:::${resultsBucket}/${results}`, {
      "s3:x-amz-server-side-encryption": "aws:kms",
      "s3:x-amz-server-side-encryption-aws-kms-key-id": encryptionKey,
    }),
    s3("s3:AbortMultipartUpload", `arn:aws:s3:::${resultsBucket}/${results}`),
    s3("s3:ListMultipartUploadParts", `arn:aws:s3:::${resultsBucket}/${results}`),
    s3("s3:GetObject", `arn:aws:s3:::${resultsBucket}/${results}`),
    ...["kms:GenerateDataKey", "kms:Decrypt"].map((action) => ({
      ...stack.s3Kms(actor, action, resultsBucket, results, CALLED_VIA_ATHENA),
      why: `encrypted query results need kms:GenerateDataKey and kms:Decrypt (${ATHENA_KMS})`,
    })),
  ];
}

/** Power BI's navigator through the Athena ODBC driver: data catalogs, databases, Gold's tables and columns. */
export function biNavigator(policies: WorkspacePolicies, scope: ArnScope): JourneyCall[] {
  const stack = new Stack(policies, scope);
  const actor = "analyst";
  const database = String(stack.at("aws_glue_catalog_database", "gold_database/database").name);
  const dataCatalog = stack.arn("athena", "datacatalog/AwsDataCatalog");
  const catalog = stack.arn("glue", "catalog");
  const driver = `the JDBC and ODBC drivers need AWSQuicksightAthenaAccess's Athena actions (${ATHENA_DRIVERS})`;
  return [
    ...["athena:ListDataCatalogs", "athena:ListWorkGroups", "athena:ListEngineVersions"].map((action) => ({
      actor,
      action,
      resource: "*",
      context: {},
      why: driver,
    })),
    ...["athena:GetDataCatalog", "athena:ListDatabases", "athena:GetDatabase", "athena:ListTableMetadata", "athena:GetTableMetadata"].map(
      (action) => ({
        actor,
        action,
        resource: dataCatalog,
        context: {},
        why: driver,
      }),
    ),
    ...[
      ["glue:GetDatabases", [catalog, stack.arn("glue", "database/*")]],
      ["glue:GetDatabase", [catalog, stack.arn("glue", `database/${database}`)]],
      ["glue:GetTables", [catalog, stack.arn("glue", `database/${database}`), stack.arn("glue", `table/${database}/*`)]],
      ["glue:GetTable", [catalog, stack.arn("glue", `database/${database}`), stack.arn("glue", `table/${database}/condition_prevalence`)]],
    ].flatMap(([action, resources]) =>
      (resources as string[]).map((resource) => ({
        actor,
        action: action as string,
        resource,
        context: CALLED_VIA_ATHENA,
        why: `Athena's metadata calls read the Glue catalog with the caller's credentials (${ATHENA_GLUE})`,
      })),
    ),
  ];
}

/** An auditor reading who touched patient files: the trail's log files. */
export function auditorReadsTrail(policies: WorkspacePolicies, scope: ArnScope): JourneyCall[] {
  const stack = new Stack(policies, scope);
  if (!stack.has("aws_cloudtrail", "cloudtrail/trail")) return [];
  const actor = "auditor";
  const trail = String(stack.at("aws_cloudtrail", "cloudtrail/trail").arn);
  const bucket = String(stack.at("aws_s3_bucket", "cloudtrail/bucket/bucket").bucket);
  const logFile = `AWSLogs/${scope.accountId}/CloudTrail/${scope.region}/2026/12/07/${scope.accountId}_CloudTrail_${scope.region}_20261207T0000Z_x.json.gz`;
  const why = `reading an encrypted log file: s3:GetObject and kms:Decrypt (${CLOUDTRAIL_READ})`;
  return [
    {
      actor,
      action: "s3:ListBucket",
      resource: `arn:aws:s3:::${bucket}`,
      context: { "s3:prefix": `AWSLogs/${scope.accountId}/CloudTrail/` },
      why,
    },
    { actor, action: "s3:GetObject", resource: `arn:aws:s3:::${bucket}/${logFile}`, context: {}, why },
    { ...stack.s3Kms(actor, "kms:Decrypt", bucket, logFile, { "kms:EncryptionContext:aws:cloudtrail:arn": trail }), why },
  ];
}
