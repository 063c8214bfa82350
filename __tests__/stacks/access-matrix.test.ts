import { threeEnvironmentConfig } from "../support/config-fixtures";
import { evaluate, type Decision, type PolicyDocument, type Principal, type RequestContext } from "../support/iam/policy-evaluator";
import { WorkspacePolicies } from "../support/iam/workspace-policies";
import { buildMetricCareStack } from "../support/metriccare-stack";

// Who can do what, decided by evaluating the synthesized policies as IAM does (support/iam), for
// a secure working lakehouse: the pipeline can run, nobody else reaches patient data. Each row is
// (principal, action, resource, context) → decision. To add a principal (e.g. the Athena issue's
// "analyst"), add it to `principals` and give it rows; nothing else changes.

const ACCOUNT = "111122223333";
const OTHER_ACCOUNT = "999988887777";
const REGION = "eu-central-1";
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/terraform-deployer`;
const CI_DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/ci-deployer`;
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/break-glass`;
const administratorAccess: PolicyDocument = { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

const config = threeEnvironmentConfig({ createDataEventTrail: true });
const environments = config.environments.map((e) =>
  e.name === "prod" ? { ...e, deployerRoleArns: [CI_DEPLOYER], keyDataAccessRoleArns: [BREAK_GLASS] } : e,
);
const { json } = buildMetricCareStack({ config: { ...config, environments } });
const workspaces = Object.fromEntries(
  ["dev", "prod"].map((workspace) => [
    workspace,
    new WorkspacePolicies(json, { workspace, accountId: ACCOUNT, deployerRoleArn: DEPLOYER }),
  ]),
) as Record<"dev" | "prod", WorkspacePolicies>;

type Workspace = keyof typeof workspaces;
const role = (arn: string, account = ACCOUNT): Principal => ({ kind: "role", arn, account, policies: [administratorAccess] });
const service = (name: string): Principal => ({ kind: "service", service: `${name}.amazonaws.com` });

/** The principals of the rows, per workspace. */
const principals = (w: Workspace): Record<string, Principal> => {
  const policies = workspaces[w];
  return {
    bronze: policies.rolePrincipal(`metriccare_bronze_job_${w}`),
    silver: policies.rolePrincipal(`metriccare_silver_job_${w}`),
    gold: policies.rolePrincipal(`metriccare_gold_job_${w}`),
    lambda: policies.rolePrincipal(`metriccare_trigger_glue_${w}`),
    analyst: policies.rolePrincipal(`metriccare_analyst_${w}`),
    deployer: role(DEPLOYER),
    ciDeployer: role(CI_DEPLOYER),
    breakGlass: role(BREAK_GLASS),
    // Another role of the account with AdministratorAccess (a data-science or admin role).
    admin: role(`arn:aws:iam::${ACCOUNT}:role/data-science`),
    otherAccount: role(`arn:aws:iam::${OTHER_ACCOUNT}:role/admin`, OTHER_ACCOUNT),
    anonymous: { kind: "anonymous" },
    events: service("events"),
    cloudwatch: service("cloudwatch"),
    cloudtrail: service("cloudtrail"),
    s3: service("s3"),
    glue: service("glue"),
    lambdaService: service("lambda"),
    logs: { kind: "service", service: `logs.${REGION}.amazonaws.com` },
  };
};

const bucket = (w: Workspace, purpose: string): string => `arn:aws:s3:::metriccare-${purpose}-${w}-${ACCOUNT}-${REGION}`;
const keyArn = (w: Workspace): string => String(workspaces[w].resources("aws_kms_key")[0]?.arn);
const arn = (service: string, resource: string): string => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
const via = (service: string): RequestContext => ({ "kms:ViaService": `${service}.${REGION}.amazonaws.com` });
const sse = (w: Workspace, key?: string): RequestContext => ({
  "s3:x-amz-server-side-encryption": "aws:kms",
  "s3:x-amz-server-side-encryption-aws-kms-key-id": key ?? keyArn(w),
});
const script = (w: Workspace): string => {
  const key = workspaces[w].resources("aws_s3_object").find((o) => String(o.key).startsWith("glue/scripts/bronze_job"))?.key;
  return `${bucket(w, "scripts")}/${String(key)}`;
};

interface Row {
  readonly why: string;
  readonly who: string;
  readonly action: string;
  readonly resource: (w: Workspace) => string;
  readonly context?: (w: Workspace) => RequestContext;
  readonly expected: Decision;
  /** @default "dev" */
  readonly workspace?: Workspace;
}

const ROWS: readonly Row[] = [
  // Scripts bucket: the code Glue runs as roles that read PHI.
  {
    why: "deployer uploads a script over TLS without an SSE header (bucket default encrypts)",
    who: "deployer",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "scripts")}/glue/scripts/x.py`,
    expected: "Allow",
  },
  {
    why: "deployer uploads naming SSE-KMS with this key",
    who: "deployer",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "scripts")}/glue/scripts/x.py`,
    context: (w) => sse(w),
    expected: "Allow",
  },
  {
    why: "deployer uploads naming another KMS key",
    who: "deployer",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "scripts")}/x.py`,
    context: (w) => sse(w, arn("kms", "key/other")),
    expected: "ExplicitDeny",
  },
  {
    why: "deployer uploads naming SSE-KMS without a key id (S3 would use aws/s3)",
    who: "deployer",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "scripts")}/x.py`,
    context: () => ({ "s3:x-amz-server-side-encryption": "aws:kms" }),
    expected: "ExplicitDeny",
  },
  {
    why: "deployer uploads naming SSE-S3",
    who: "deployer",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "scripts")}/x.py`,
    context: () => ({ "s3:x-amz-server-side-encryption": "AES256" }),
    expected: "ExplicitDeny",
  },
  {
    why: "deployer uploads over plain HTTP",
    who: "deployer",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "scripts")}/x.py`,
    context: () => ({ "aws:SecureTransport": "false" }),
    expected: "ExplicitDeny",
  },
  {
    why: "deployer uploads over TLS 1.1",
    who: "deployer",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "scripts")}/x.py`,
    context: () => ({ "s3:TlsVersion": "1.1" }),
    expected: "ExplicitDeny",
  },
  {
    why: "a configured CI deployer uploads a script",
    who: "ciDeployer",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "scripts")}/x.py`,
    expected: "Allow",
    workspace: "prod",
  },
  {
    why: "the CI deployer of prod is no deployer of dev",
    who: "ciDeployer",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "scripts")}/x.py`,
    expected: "ExplicitDeny",
  },
  {
    why: "an account administrator replaces a script",
    who: "admin",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "scripts")}/x.py`,
    expected: "ExplicitDeny",
  },
  {
    why: "a Glue job role writes the scripts bucket",
    who: "bronze",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "scripts")}/glue/scripts/x.py`,
    expected: "ExplicitDeny",
  },
  {
    why: "the Lambda role deletes a script",
    who: "lambda",
    action: "s3:DeleteObject",
    resource: (w) => `${bucket(w, "scripts")}/glue/scripts/x.py`,
    expected: "ExplicitDeny",
  },
  { why: "Bronze reads its own script", who: "bronze", action: "s3:GetObject", resource: script, expected: "Allow" },
  { why: "Silver reads Bronze's script", who: "silver", action: "s3:GetObject", resource: script, expected: "ImplicitDeny" },
  // Raw FHIR files.
  {
    why: "Bronze reads a raw FHIR file",
    who: "bronze",
    action: "s3:GetObject",
    resource: (w) => `${bucket(w, "raw")}/fhir/a.ndjson`,
    expected: "Allow",
  },
  {
    why: "Bronze lists the FHIR prefix",
    who: "bronze",
    action: "s3:ListBucket",
    resource: (w) => bucket(w, "raw"),
    context: () => ({ "s3:prefix": "fhir/2026/" }),
    expected: "Allow",
  },
  {
    why: "Bronze lists outside the FHIR prefix",
    who: "bronze",
    action: "s3:ListBucket",
    resource: (w) => bucket(w, "raw"),
    context: () => ({ "s3:prefix": "" }),
    expected: "ImplicitDeny",
  },
  {
    why: "Bronze deletes a raw file",
    who: "bronze",
    action: "s3:DeleteObject",
    resource: (w) => `${bucket(w, "raw")}/fhir/a.ndjson`,
    expected: "ImplicitDeny",
  },
  {
    why: "Bronze overwrites a raw file",
    who: "bronze",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "raw")}/fhir/a.ndjson`,
    expected: "ImplicitDeny",
  },
  {
    why: "Silver reads raw",
    who: "silver",
    action: "s3:GetObject",
    resource: (w) => `${bucket(w, "raw")}/fhir/a.ndjson`,
    expected: "ImplicitDeny",
  },
  {
    why: "Gold reads raw",
    who: "gold",
    action: "s3:GetObject",
    resource: (w) => `${bucket(w, "raw")}/fhir/a.ndjson`,
    expected: "ImplicitDeny",
  },
  {
    why: "the Lambda reads any object",
    who: "lambda",
    action: "s3:GetObject",
    resource: (w) => `${bucket(w, "raw")}/fhir/a.ndjson`,
    expected: "ImplicitDeny",
  },
  {
    why: "another account reads raw",
    who: "otherAccount",
    action: "s3:GetObject",
    resource: (w) => `${bucket(w, "raw")}/fhir/a.ndjson`,
    expected: "ImplicitDeny",
  },
  {
    why: "an anonymous request reads raw",
    who: "anonymous",
    action: "s3:GetObject",
    resource: (w) => `${bucket(w, "raw")}/fhir/a.ndjson`,
    expected: "ImplicitDeny",
  },
  // Lakehouse layers.
  {
    why: "Bronze writes its run report without an SSE header",
    who: "bronze",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "lakehouse")}/bronze/_runs/r.json`,
    expected: "Allow",
  },
  {
    why: "Bronze writes quarantine",
    who: "bronze",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "lakehouse")}/quarantine/bronze/x.json`,
    expected: "Allow",
  },
  {
    why: "Bronze writes with another key",
    who: "bronze",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "lakehouse")}/bronze/x.parquet`,
    context: (w) => sse(w, arn("kms", "key/other")),
    expected: "ExplicitDeny",
  },
  {
    why: "Bronze writes Silver",
    who: "bronze",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "lakehouse")}/silver/x.parquet`,
    expected: "ImplicitDeny",
  },
  {
    why: "Silver reads Bronze",
    who: "silver",
    action: "s3:GetObject",
    resource: (w) => `${bucket(w, "lakehouse")}/bronze/patient/x.parquet`,
    expected: "Allow",
  },
  {
    why: "Silver writes Silver",
    who: "silver",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "lakehouse")}/silver/patient/x.parquet`,
    expected: "Allow",
  },
  {
    why: "Gold reads Silver",
    who: "gold",
    action: "s3:GetObject",
    resource: (w) => `${bucket(w, "lakehouse")}/silver/patient/x.parquet`,
    expected: "Allow",
  },
  {
    why: "Gold reads Bronze",
    who: "gold",
    action: "s3:GetObject",
    resource: (w) => `${bucket(w, "lakehouse")}/bronze/patient/x.parquet`,
    expected: "ImplicitDeny",
  },
  // The key: data operations for the pipeline only; administration stays with the account.
  {
    why: "Bronze decrypts through S3",
    who: "bronze",
    action: "kms:Decrypt",
    resource: keyArn,
    context: () => via("s3"),
    expected: "Allow",
  },
  {
    why: "the Lambda reads a job run's attempt number (retries are not run ends)",
    who: "lambda",
    action: "glue:GetJobRun",
    resource: (w) => arn("glue", `job/metriccare_gold_job_${w}`),
    expected: "Allow",
  },
  {
    why: "the Lambda reads runs of a job outside the pipeline",
    who: "lambda",
    action: "glue:GetJobRun",
    resource: () => arn("glue", "job/other_job"),
    expected: "ImplicitDeny",
  },
  {
    why: "the Lambda decrypts directly, not through a service",
    who: "lambda",
    action: "kms:Decrypt",
    resource: keyArn,
    context: () => ({}),
    expected: "ImplicitDeny",
  },
  {
    why: "the Lambda encrypts an alert through SNS",
    who: "lambda",
    action: "kms:GenerateDataKey",
    resource: keyArn,
    context: () => via("sns"),
    expected: "Allow",
  },
  {
    why: "an account administrator decrypts raw PHI through S3",
    who: "admin",
    action: "kms:Decrypt",
    resource: keyArn,
    context: () => via("s3"),
    expected: "ExplicitDeny",
  },
  {
    why: "the deployer decrypts through S3",
    who: "deployer",
    action: "kms:Decrypt",
    resource: keyArn,
    context: () => via("s3"),
    expected: "ExplicitDeny",
  },
  {
    why: "the deployer encrypts an uploaded script through S3",
    who: "deployer",
    action: "kms:GenerateDataKey",
    resource: keyArn,
    context: () => via("s3"),
    expected: "Allow",
  },
  { why: "the deployer manages the key policy", who: "deployer", action: "kms:PutKeyPolicy", resource: keyArn, expected: "Allow" },
  {
    why: "the deployer schedules the key's deletion (teardown)",
    who: "deployer",
    action: "kms:ScheduleKeyDeletion",
    resource: keyArn,
    expected: "Allow",
  },
  {
    why: "an administrator grants itself Decrypt",
    who: "admin",
    action: "kms:CreateGrant",
    resource: keyArn,
    context: () => ({ "kms:GrantIsForAWSResource": "false" }),
    expected: "ExplicitDeny",
  },
  {
    why: "the named break-glass role decrypts in prod",
    who: "breakGlass",
    action: "kms:Decrypt",
    resource: keyArn,
    context: () => via("s3"),
    expected: "Allow",
    workspace: "prod",
  },
  {
    why: "another account decrypts",
    who: "otherAccount",
    action: "kms:Decrypt",
    resource: keyArn,
    context: () => via("s3"),
    expected: "ExplicitDeny",
  },
  {
    why: "CloudWatch Logs encrypts this environment's Lambda log group",
    who: "logs",
    action: "kms:GenerateDataKey",
    resource: keyArn,
    context: () => ({ "kms:EncryptionContext:aws:logs:arn": arn("logs", "log-group:/aws/lambda/metriccare_trigger_glue_dev") }),
    expected: "Allow",
  },
  {
    why: "CloudWatch Logs encrypts another environment's log group",
    who: "logs",
    action: "kms:GenerateDataKey",
    resource: keyArn,
    context: () => ({ "kms:EncryptionContext:aws:logs:arn": arn("logs", "log-group:/aws/lambda/metriccare_trigger_glue_prod") }),
    expected: "ImplicitDeny",
  },
  {
    why: "CloudWatch Logs encrypts a group Glue creates under this environment's security configuration",
    who: "logs",
    action: "kms:GenerateDataKey",
    resource: keyArn,
    context: () => ({
      "kms:EncryptionContext:aws:logs:arn": arn(
        "logs",
        "log-group:/aws-glue/jobs/metriccare_glue_security_dev-role/metriccare_bronze_job_dev/logs-v2",
      ),
    }),
    expected: "Allow",
  },
  {
    why: "CloudWatch Logs encrypts a Glue group of prod's security configuration with dev's key",
    who: "logs",
    action: "kms:GenerateDataKey",
    resource: keyArn,
    context: () => ({
      "kms:EncryptionContext:aws:logs:arn": arn(
        "logs",
        "log-group:/aws-glue/jobs/metriccare_glue_security_prod-role/metriccare_bronze_job_prod/output",
      ),
    }),
    expected: "ImplicitDeny",
  },
  {
    why: "EventBridge encrypts for this environment's topic",
    who: "events",
    action: "kms:GenerateDataKey",
    resource: keyArn,
    context: () => ({ "kms:EncryptionContext:aws:sns:topicArn": arn("sns", "metriccare_alerts_dev") }),
    expected: "Allow",
  },
  {
    why: "EventBridge encrypts for another environment's topic",
    who: "events",
    action: "kms:GenerateDataKey",
    resource: keyArn,
    context: () => ({ "kms:EncryptionContext:aws:sns:topicArn": arn("sns", "metriccare_alerts_prod") }),
    expected: "ImplicitDeny",
  },
  {
    why: "DynamoDB's service principal (unused) encrypts",
    who: "s3",
    action: "kms:Decrypt",
    resource: keyArn,
    context: () => ({ "aws:SourceAccount": ACCOUNT }),
    expected: "ImplicitDeny",
  },
  // Alerts topic and dead-letter queue.
  {
    why: "EventBridge's job-state rule publishes an alert",
    who: "events",
    action: "sns:Publish",
    resource: () => arn("sns", "metriccare_alerts_dev"),
    context: () => ({ "aws:SourceArn": arn("events", "rule/metriccare_glue_job_state_dev") }),
    expected: "Allow",
  },
  {
    why: "another EventBridge rule publishes",
    who: "events",
    action: "sns:Publish",
    resource: () => arn("sns", "metriccare_alerts_dev"),
    context: () => ({ "aws:SourceArn": arn("events", "rule/someone_elses_rule") }),
    expected: "ImplicitDeny",
  },
  {
    why: "the Lambda publishes an alert",
    who: "lambda",
    action: "sns:Publish",
    resource: () => arn("sns", "metriccare_alerts_dev"),
    expected: "Allow",
  },
  {
    why: "Bronze publishes to the topic",
    who: "bronze",
    action: "sns:Publish",
    resource: () => arn("sns", "metriccare_alerts_dev"),
    expected: "ImplicitDeny",
  },
  {
    why: "a publish over plain HTTP",
    who: "lambda",
    action: "sns:Publish",
    resource: () => arn("sns", "metriccare_alerts_dev"),
    context: () => ({ "aws:SecureTransport": "false" }),
    expected: "ExplicitDeny",
  },
  {
    why: "EventBridge's job-state rule dead-letters an event",
    who: "events",
    action: "sqs:SendMessage",
    resource: () => arn("sqs", "metriccare_event_dlq_dev"),
    context: () => ({ "aws:SourceArn": arn("events", "rule/metriccare_glue_job_state_dev") }),
    expected: "Allow",
  },
  {
    why: "another rule dead-letters an event",
    who: "events",
    action: "sqs:SendMessage",
    resource: () => arn("sqs", "metriccare_event_dlq_dev"),
    context: () => ({ "aws:SourceArn": arn("events", "rule/other") }),
    expected: "ImplicitDeny",
  },
  // The trigger function.
  {
    why: "the schedule rule invokes the trigger",
    who: "events",
    action: "lambda:InvokeFunction",
    resource: () => arn("lambda", "function:metriccare_trigger_glue_dev"),
    context: () => ({ "aws:SourceArn": arn("events", "rule/metriccare_schedule_dev") }),
    expected: "Allow",
  },
  {
    why: "the raw bucket's notification invokes the trigger",
    who: "s3",
    action: "lambda:InvokeFunction",
    resource: () => arn("lambda", "function:metriccare_trigger_glue_dev"),
    context: (w) => ({ "aws:SourceArn": bucket(w, "raw"), "aws:SourceAccount": ACCOUNT }),
    expected: "Allow",
  },
  {
    why: "a same-named bucket in another account invokes the trigger",
    who: "s3",
    action: "lambda:InvokeFunction",
    resource: () => arn("lambda", "function:metriccare_trigger_glue_dev"),
    context: (w) => ({ "aws:SourceArn": bucket(w, "raw"), "aws:SourceAccount": OTHER_ACCOUNT }),
    expected: "ImplicitDeny",
  },
  // Trust policies.
  {
    why: "Glue assumes the Bronze role for this account's job",
    who: "glue",
    action: "sts:AssumeRole",
    resource: () => `arn:aws:iam::${ACCOUNT}:role/metriccare_bronze_job_dev`,
    context: () => ({ "aws:SourceAccount": ACCOUNT, "aws:SourceArn": arn("glue", "job/metriccare_bronze_job_dev") }),
    expected: "Allow",
  },
  {
    why: "Glue assumes the Bronze role for another account (confused deputy)",
    who: "glue",
    action: "sts:AssumeRole",
    resource: () => `arn:aws:iam::${ACCOUNT}:role/metriccare_bronze_job_dev`,
    context: () => ({ "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": `arn:aws:glue:${REGION}:${OTHER_ACCOUNT}:job/x` }),
    expected: "ImplicitDeny",
  },
  {
    why: "Lambda assumes the trigger's role",
    who: "lambdaService",
    action: "sts:AssumeRole",
    resource: () => `arn:aws:iam::${ACCOUNT}:role/metriccare_trigger_glue_dev`,
    context: () => ({ "aws:SourceAccount": ACCOUNT }),
    expected: "Allow",
  },
  {
    why: "Lambda assumes a Glue job role",
    who: "lambdaService",
    action: "sts:AssumeRole",
    resource: () => `arn:aws:iam::${ACCOUNT}:role/metriccare_bronze_job_dev`,
    context: () => ({ "aws:SourceAccount": ACCOUNT }),
    expected: "ImplicitDeny",
  },
  {
    why: "an account administrator assumes the Bronze role",
    who: "admin",
    action: "sts:AssumeRole",
    resource: () => `arn:aws:iam::${ACCOUNT}:role/metriccare_bronze_job_dev`,
    expected: "ImplicitDeny",
  },
  // Catalog, with Hudi's Hive sync.
  {
    why: "Bronze's Hive sync lists the databases",
    who: "bronze",
    action: "glue:GetDatabases",
    resource: () => arn("glue", "database/*"),
    expected: "Allow",
  },
  {
    why: "Silver's Hive sync lists the functions",
    who: "silver",
    action: "glue:GetUserDefinedFunctions",
    resource: () => arn("glue", "database/metriccare_silver_dev"),
    expected: "Allow",
  },
  {
    why: "Bronze creates a table in its database",
    who: "bronze",
    action: "glue:CreateTable",
    resource: () => arn("glue", "table/metriccare_bronze_dev/patient"),
    expected: "Allow",
  },
  {
    why: "Bronze creates a table in Silver's database",
    who: "bronze",
    action: "glue:CreateTable",
    resource: () => arn("glue", "table/metriccare_silver_dev/patient"),
    expected: "ImplicitDeny",
  },
  {
    why: "Bronze deletes a table",
    who: "bronze",
    action: "glue:DeleteTable",
    resource: () => arn("glue", "table/metriccare_bronze_dev/patient"),
    expected: "ImplicitDeny",
  },
  // The analyst role (Athena, Power BI): reads Gold through the workgroup, nothing else.
  {
    why: "analyst reads a Gold table file",
    who: "analyst",
    action: "s3:GetObject",
    resource: (w) => `${bucket(w, "lakehouse")}/gold/readmission_rate_30d/part-0001.parquet`,
    expected: "Allow",
  },
  {
    why: "analyst lists the Gold prefix",
    who: "analyst",
    action: "s3:ListBucket",
    resource: (w) => bucket(w, "lakehouse"),
    context: () => ({ "s3:prefix": "gold/readmission_rate_30d/" }),
    expected: "Allow",
  },
  {
    why: "analyst reads a Bronze file (patient-level data)",
    who: "analyst",
    action: "s3:GetObject",
    resource: (w) => `${bucket(w, "lakehouse")}/bronze/patient/part-0001.parquet`,
    expected: "ImplicitDeny",
  },
  {
    why: "analyst lists the Silver prefix",
    who: "analyst",
    action: "s3:ListBucket",
    resource: (w) => bucket(w, "lakehouse"),
    context: () => ({ "s3:prefix": "silver/" }),
    expected: "ImplicitDeny",
  },
  {
    why: "analyst reads a raw FHIR file",
    who: "analyst",
    action: "s3:GetObject",
    resource: (w) => `${bucket(w, "raw")}/fhir/bundle.json`,
    expected: "ImplicitDeny",
  },
  {
    why: "analyst overwrites a Gold file",
    who: "analyst",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "lakehouse")}/gold/readmission_rate_30d/part-0001.parquet`,
    context: (w) => sse(w),
    expected: "ImplicitDeny",
  },
  {
    why: "Athena writes the analyst's query result, SSE-KMS with this key (the workgroup's setting)",
    who: "analyst",
    action: "s3:PutObject",
    resource: (w) => `${bucket(w, "lakehouse")}/athena-results/0a1b2c.csv`,
    context: (w) => sse(w),
    expected: "Allow",
  },
  {
    why: "analyst decrypts a Gold file through S3",
    who: "analyst",
    action: "kms:Decrypt",
    resource: (w) => keyArn(w),
    context: () => via("s3"),
    expected: "Allow",
  },
  {
    why: "analyst decrypts with the key directly, not through S3 or Glue",
    who: "analyst",
    action: "kms:Decrypt",
    resource: (w) => keyArn(w),
    expected: "ImplicitDeny",
  },
  {
    why: "analyst starts a query in the environment's workgroup",
    who: "analyst",
    action: "athena:StartQueryExecution",
    resource: (w) => arn("athena", `workgroup/metriccare_analytics_${w}`),
    expected: "Allow",
  },
  {
    why: "analyst starts a query in the primary workgroup (no enforced encryption or cutoff)",
    who: "analyst",
    action: "athena:StartQueryExecution",
    resource: () => arn("athena", "workgroup/primary"),
    expected: "ImplicitDeny",
  },
  {
    why: "analyst reads a Gold table definition",
    who: "analyst",
    action: "glue:GetTable",
    resource: () => arn("glue", "table/metriccare_gold_dev/readmission_rate_30d"),
    expected: "Allow",
  },
  {
    why: "analyst reads a Silver table definition",
    who: "analyst",
    action: "glue:GetTable",
    resource: () => arn("glue", "table/metriccare_silver_dev/patient"),
    expected: "ImplicitDeny",
  },
  {
    why: "prod's analyst reads a dev Gold file",
    who: "analyst",
    workspace: "prod",
    action: "s3:GetObject",
    resource: () => `${bucket("dev", "lakehouse")}/gold/readmission_rate_30d/part-0001.parquet`,
    expected: "ImplicitDeny",
  },
  // The audit trail (prod records data events).
  {
    why: "CloudTrail delivers prod's log files",
    who: "cloudtrail",
    action: "s3:PutObject",
    workspace: "prod",
    resource: (w) => `${bucket(w, "cloudtrail")}/AWSLogs/${ACCOUNT}/CloudTrail/x.json.gz`,
    context: (w) => ({
      ...sse(w),
      "aws:SourceArn": arn("cloudtrail", "trail/metriccare_data_events_prod"),
      "s3:x-amz-acl": "bucket-owner-full-control",
    }),
    expected: "Allow",
  },
  {
    why: "another trail delivers into prod's trail bucket",
    who: "cloudtrail",
    action: "s3:PutObject",
    workspace: "prod",
    resource: (w) => `${bucket(w, "cloudtrail")}/AWSLogs/${ACCOUNT}/CloudTrail/x.json.gz`,
    context: (w) => ({ ...sse(w), "aws:SourceArn": arn("cloudtrail", "trail/other"), "s3:x-amz-acl": "bucket-owner-full-control" }),
    expected: "ImplicitDeny",
  },
];

describe("access matrix (policies evaluated as IAM does)", () => {
  it("has at least 40 rows", () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(ROWS.map((row) => [row.why, row] as const))("%s", (_, row) => {
    // Prepare
    const w = row.workspace ?? "dev";
    const principal = principals(w)[row.who];
    if (principal === undefined) throw new Error(`No principal "${row.who}" in the matrix.`);
    const resource = row.resource(w);
    // Act
    const decision = evaluate(
      { principal, action: row.action, resource, context: row.context?.(w) },
      workspaces[w].resourcePolicyFor(resource),
    );
    // Assess
    expect(decision).toBe(row.expected);
  });
});
