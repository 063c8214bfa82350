import { evaluate, type Decision, type PolicyDocument, type Principal } from "../support/iam/policy-evaluator";
import { WorkspacePolicies } from "../support/iam/workspace-policies";
import { auditorOf, DEPLOYER, journeyConfig, uploaderOf } from "../support/journeys/journey-config";
import { buildMetricCareStack } from "../support/metriccare-stack";

// The denials the design wants, decided as IAM does against the synthesized policies: other accounts,
// other layers, patient data for anyone but the pipeline, no reading for the deployer, feeds or
// auditors. What each actor must be able to do is proven by the journeys (__tests__/journeys/),
// from the calls the real tools make; these rows keep the walls standing. One row per request:
// [why, who, action, resource, context, expected, workspace]; `{name}` in a resource or context is
// the workspace's value (buckets, keys, account, region, workspace).

const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "999988887777";
const CI_DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/ci-deployer`;
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/break-glass`;
const administratorAccess: PolicyDocument = { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

const base = journeyConfig();
const config = {
  ...base,
  environments: base.environments.map((e) =>
    e.name === "prod" ? { ...e, deployerRoleArns: [CI_DEPLOYER], keyDataAccessRoleArns: [BREAK_GLASS] } : e,
  ),
};
const { json } = buildMetricCareStack({ config });
type Workspace = "dev" | "prod";
const workspaces = Object.fromEntries(
  (["dev", "prod"] as const).map((w) => [w, new WorkspacePolicies(json, { workspace: w, accountId: ACCOUNT, deployerRoleArn: DEPLOYER })]),
) as Record<Workspace, WorkspacePolicies>;

const role = (arn: string, policies: PolicyDocument[] = [administratorAccess], account = ACCOUNT): Principal => ({
  kind: "role",
  arn,
  account,
  policies,
});
const service = (name: string): Principal => ({ kind: "service", service: name });

/** The principals of the rows in workspace `w`. */
function principals(w: Workspace): Record<string, Principal> {
  const p = workspaces[w];
  return {
    bronze: p.rolePrincipal(`metriccare_bronze_job_${w}`),
    silver: p.rolePrincipal(`metriccare_silver_job_${w}`),
    gold: p.rolePrincipal(`metriccare_gold_job_${w}`),
    lambda: p.rolePrincipal(`metriccare_trigger_glue_${w}`),
    analyst: p.rolePrincipal(`metriccare_analyst_${w}`),
    deployer: role(DEPLOYER),
    ciDeployer: role(CI_DEPLOYER),
    // A feed and an auditor have no policy of their own: what they may do comes from the stack's resource policies.
    feed: role(uploaderOf(w), []),
    auditor: role(auditorOf(w), []),
    // Another role of the account with AdministratorAccess (a data-science or admin role).
    admin: role(`arn:aws:iam::${ACCOUNT}:role/data-science`),
    otherAccount: role(`arn:aws:iam::${OTHER_ACCOUNT}:role/admin`, [administratorAccess], OTHER_ACCOUNT),
    anonymous: { kind: "anonymous" },
    events: service("events.amazonaws.com"),
    cloudwatch: service("cloudwatch.amazonaws.com"),
    cloudtrail: service("cloudtrail.amazonaws.com"),
    s3: service("s3.amazonaws.com"),
    glue: service("glue.amazonaws.com"),
    lambdaService: service("lambda.amazonaws.com"),
    logs: service("logs.eu-central-1.amazonaws.com"),
  };
}

/** The workspace's values the rows name in braces. */
function values(w: Workspace): Record<string, string> {
  const p = workspaces[w];
  const at = (type: string, path: string, attribute: string): string => String(p.resourceAt(type, `/${path}`)?.[attribute]);
  const bucket = (path: string) => `arn:aws:s3:::${at("aws_s3_bucket", path, "bucket")}`;
  return {
    w,
    account: ACCOUNT,
    region: "eu-central-1",
    raw: bucket("raw_bucket/bucket"),
    lakehouse: bucket("lakehouse_bucket/bucket"),
    scripts: bucket("scripts_bucket/bucket"),
    trail: bucket("cloudtrail/bucket/bucket"),
    devLakehouse: `arn:aws:s3:::${String(workspaces.dev.resourceAt("aws_s3_bucket", "/lakehouse_bucket/bucket")?.bucket)}`,
    key: at("aws_kms_key", "kms/key", "arn"),
    artifactsKey: at("aws_kms_key", "artifacts_kms/key", "arn"),
    auditKey: at("aws_kms_key", "audit_kms/key", "arn"),
  };
}

const fill = (template: string, v: Record<string, string>): string =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => v[name] ?? `{${name}}`);
const VIA_S3 = { "kms:ViaService": "s3.{region}.amazonaws.com" };
const SSE = (key: string) => ({ "s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": key });
const RAW_CONTEXT = { ...VIA_S3, "kms:EncryptionContext:aws:s3:arn": "{raw}" };
const LAKEHOUSE_CONTEXT = { ...VIA_S3, "kms:EncryptionContext:aws:s3:arn": "{lakehouse}" };

type Row = readonly [
  why: string,
  who: string,
  action: string,
  resource: string,
  context: Record<string, string>,
  expected: Decision,
  workspace?: Workspace,
];

// prettier-ignore
const ROWS: readonly Row[] = [
  // The scripts bucket: code that Glue runs as roles that read patient data.
  ["a deployer uploads a script naming another KMS key", "deployer", "s3:PutObject", "{scripts}/glue/scripts/x.py", SSE("arn:aws:kms:{region}:{account}:key/other"), "ExplicitDeny"],
  ["a deployer uploads naming SSE-KMS without a key id (S3 would use aws/s3)", "deployer", "s3:PutObject", "{scripts}/x.py", { "s3:x-amz-server-side-encryption": "aws:kms" }, "ExplicitDeny"],
  ["a deployer uploads naming SSE-S3", "deployer", "s3:PutObject", "{scripts}/x.py", { "s3:x-amz-server-side-encryption": "AES256" }, "ExplicitDeny"],
  ["a deployer uploads over plain HTTP", "deployer", "s3:PutObject", "{scripts}/x.py", { "aws:SecureTransport": "false" }, "ExplicitDeny"],
  ["a deployer uploads over TLS 1.1", "deployer", "s3:PutObject", "{scripts}/x.py", { "s3:TlsVersion": "1.1" }, "ExplicitDeny"],
  ["the CI deployer of prod is no deployer of dev", "ciDeployer", "s3:PutObject", "{scripts}/x.py", {}, "ExplicitDeny"],
  ["an account administrator replaces a script", "admin", "s3:PutObject", "{scripts}/x.py", {}, "ExplicitDeny"],
  ["a Glue job role writes the scripts bucket", "bronze", "s3:PutObject", "{scripts}/glue/scripts/x.py", {}, "ExplicitDeny"],
  ["the Lambda role deletes a script", "lambda", "s3:DeleteObject", "{scripts}/glue/scripts/x.py", {}, "ExplicitDeny"],
  ["Silver reads Bronze's script", "silver", "s3:GetObject", "{scripts}/glue/scripts/bronze_job-0.py", {}, "ImplicitDeny"],
  // Raw FHIR files: Bronze reads, feeds write, nobody else touches them.
  ["Bronze lists outside the FHIR prefix", "bronze", "s3:ListBucket", "{raw}", { "s3:prefix": "" }, "ImplicitDeny"],
  ["Bronze deletes a raw file", "bronze", "s3:DeleteObject", "{raw}/fhir/a.ndjson", {}, "ImplicitDeny"],
  ["Bronze overwrites a raw file", "bronze", "s3:PutObject", "{raw}/fhir/a.ndjson", {}, "ImplicitDeny"],
  ["Silver reads raw", "silver", "s3:GetObject", "{raw}/fhir/a.ndjson", {}, "ImplicitDeny"],
  ["Gold reads raw", "gold", "s3:GetObject", "{raw}/fhir/a.ndjson", {}, "ImplicitDeny"],
  ["the Lambda reads a raw file", "lambda", "s3:GetObject", "{raw}/fhir/a.ndjson", {}, "ImplicitDeny"],
  ["another account reads raw", "otherAccount", "s3:GetObject", "{raw}/fhir/a.ndjson", {}, "ImplicitDeny"],
  ["an anonymous request reads raw", "anonymous", "s3:GetObject", "{raw}/fhir/a.ndjson", {}, "ImplicitDeny"],
  ["the feed reads a raw file", "feed", "s3:GetObject", "{raw}/fhir/a.ndjson", {}, "ExplicitDeny", "prod"],
  ["the feed deletes a raw file", "feed", "s3:DeleteObject", "{raw}/fhir/a.ndjson", {}, "ExplicitDeny", "prod"],
  ["the feed lists the raw bucket (object names)", "feed", "s3:ListBucket", "{raw}", { "s3:prefix": "fhir/" }, "ExplicitDeny", "prod"],
  ["the feed uploads outside the FHIR prefix", "feed", "s3:PutObject", "{raw}/other/a.json", {}, "ExplicitDeny", "prod"],
  ["the feed writes into the lakehouse", "feed", "s3:PutObject", "{lakehouse}/bronze/x.parquet", {}, "ImplicitDeny", "prod"],
  ["the feed decrypts lakehouse data through S3", "feed", "kms:Decrypt", "{key}", LAKEHOUSE_CONTEXT, "ExplicitDeny", "prod"],
  ["the feed decrypts with the key directly", "feed", "kms:Decrypt", "{key}", {}, "ExplicitDeny", "prod"],
  ["the deployer reads a raw file (dev: it is the fallback feed)", "deployer", "s3:GetObject", "{raw}/fhir/a.ndjson", {}, "ExplicitDeny"],
  ["the deployer decrypts lakehouse data through S3", "deployer", "kms:Decrypt", "{key}", LAKEHOUSE_CONTEXT, "ExplicitDeny"],
  ["the deployer decrypts raw data in prod, where a feed is configured", "deployer", "kms:Decrypt", "{key}", RAW_CONTEXT, "ExplicitDeny", "prod"],
  ["the deployer encrypts with the PHI key in prod", "deployer", "kms:GenerateDataKey", "{key}", RAW_CONTEXT, "ExplicitDeny", "prod"],
  // Lakehouse layers.
  ["Bronze writes with another key", "bronze", "s3:PutObject", "{lakehouse}/bronze/x.parquet", SSE("arn:aws:kms:{region}:{account}:key/other"), "ExplicitDeny"],
  ["Bronze writes Silver", "bronze", "s3:PutObject", "{lakehouse}/silver/x.parquet", {}, "ImplicitDeny"],
  ["Gold reads Bronze", "gold", "s3:GetObject", "{lakehouse}/bronze/patient/x.parquet", {}, "ImplicitDeny"],
  // Silver may list `quarantine/` itself (S3A probes a new folder's ancestors), not Bronze's quarantine below it.
  ["Silver lists Bronze's quarantine", "silver", "s3:ListBucket", "{lakehouse}", { "s3:prefix": "quarantine/bronze/" }, "ImplicitDeny"],
  ["Silver lists every key below quarantine/", "silver", "s3:ListBucket", "{lakehouse}", { "s3:prefix": "quarantine/" }, "ImplicitDeny"],
  ["Silver reads Bronze's quarantine", "silver", "s3:GetObject", "{lakehouse}/quarantine/bronze/r1/fhir/a.json", {}, "ImplicitDeny"],
  // The PHI key: data operations for the pipeline only; administration stays with the account.
  ["the Lambda decrypts directly, not through a service", "lambda", "kms:Decrypt", "{key}", {}, "ImplicitDeny"],
  ["an account administrator decrypts raw PHI through S3", "admin", "kms:Decrypt", "{key}", RAW_CONTEXT, "ExplicitDeny"],
  ["an administrator grants itself Decrypt", "admin", "kms:CreateGrant", "{key}", { "kms:GrantIsForAWSResource": "false" }, "ExplicitDeny"],
  ["another account decrypts", "otherAccount", "kms:Decrypt", "{key}", VIA_S3, "ExplicitDeny"],
  ["the auditor decrypts raw PHI through S3", "auditor", "kms:Decrypt", "{key}", RAW_CONTEXT, "ExplicitDeny", "prod"],
  ["CloudWatch Logs encrypts another environment's log group", "logs", "kms:GenerateDataKey", "{key}", { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:{region}:{account}:log-group:/aws/lambda/metriccare_trigger_glue_prod" }, "ImplicitDeny"],
  ["CloudWatch Logs encrypts a Glue group of prod's security configuration with dev's key", "logs", "kms:GenerateDataKey", "{key}", { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:{region}:{account}:log-group:/aws-glue/jobs/metriccare_glue_security_prod-role/x/output" }, "ImplicitDeny"],
  ["EventBridge encrypts for another environment's topic", "events", "kms:GenerateDataKey", "{key}", { "kms:EncryptionContext:aws:sns:topicArn": "arn:aws:sns:{region}:{account}:metriccare_alerts_prod" }, "ImplicitDeny"],
  ["EventBridge encrypts for another rule's dead letters", "events", "kms:GenerateDataKey", "{key}", { "aws:SourceArn": "arn:aws:events:{region}:{account}:rule/someone_elses_rule" }, "ImplicitDeny"],
  ["S3's service principal decrypts on its own", "s3", "kms:Decrypt", "{key}", {}, "ImplicitDeny"],
  // The audit key: the auditors read the trail, nobody reads it with patient-data rights.
  ["an account administrator decrypts the audit trail", "admin", "kms:Decrypt", "{auditKey}", { ...VIA_S3, "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:{region}:{account}:trail/metriccare_data_events_{w}" }, "ExplicitDeny", "prod"],
  ["Bronze decrypts the audit trail", "bronze", "kms:Decrypt", "{auditKey}", VIA_S3, "ExplicitDeny", "prod"],
  ["the auditor decrypts the audit key outside CloudTrail's files", "auditor", "kms:Decrypt", "{auditKey}", VIA_S3, "ImplicitDeny", "prod"],
  ["the auditor reads a lakehouse file", "auditor", "s3:GetObject", "{lakehouse}/silver/patient/x.parquet", {}, "ImplicitDeny", "prod"],
  ["another trail delivers into prod's trail bucket", "cloudtrail", "s3:PutObject", "{trail}/AWSLogs/{account}/CloudTrail/x.json.gz", { "aws:SourceArn": "arn:aws:cloudtrail:{region}:{account}:trail/other", "s3:x-amz-acl": "bucket-owner-full-control" }, "ImplicitDeny", "prod"],
  ["another trail encrypts with the audit key", "cloudtrail", "kms:GenerateDataKey", "{auditKey}", { "aws:SourceArn": "arn:aws:cloudtrail:{region}:{account}:trail/other", "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:{region}:{account}:trail/other" }, "ImplicitDeny", "prod"],
  // Alerts, events, invocations.
  ["Bronze publishes to the topic", "bronze", "sns:Publish", "arn:aws:sns:{region}:{account}:metriccare_alerts_{w}", {}, "ImplicitDeny"],
  ["a publish over plain HTTP", "lambda", "sns:Publish", "arn:aws:sns:{region}:{account}:metriccare_alerts_{w}", { "aws:SecureTransport": "false" }, "ExplicitDeny"],
  ["another EventBridge rule publishes", "events", "sns:Publish", "arn:aws:sns:{region}:{account}:metriccare_alerts_{w}", { "aws:SourceArn": "arn:aws:events:{region}:{account}:rule/other" }, "ImplicitDeny"],
  ["another rule dead-letters an event", "events", "sqs:SendMessage", "arn:aws:sqs:{region}:{account}:metriccare_event_dlq_{w}", { "aws:SourceArn": "arn:aws:events:{region}:{account}:rule/other" }, "ImplicitDeny"],
  ["a same-named bucket in another account invokes the trigger", "s3", "lambda:InvokeFunction", "arn:aws:lambda:{region}:{account}:function:metriccare_trigger_glue_{w}", { "aws:SourceArn": "{raw}", "aws:SourceAccount": OTHER_ACCOUNT }, "ImplicitDeny"],
  ["the Lambda reads runs of a job outside the pipeline", "lambda", "glue:GetJobRun", "arn:aws:glue:{region}:{account}:job/other_job", {}, "ImplicitDeny"],
  // Metrics: each role publishes into its environment's namespace (and a job into Glue's), nowhere else.
  ["dev's Silver publishes quality metrics into prod's namespace", "silver", "cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "metriccare/prod" }, "ImplicitDeny"],
  ["Bronze publishes as an AWS service's namespace", "bronze", "cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "AWS/Lambda" }, "ImplicitDeny"],
  ["the Lambda publishes into Glue's namespace", "lambda", "cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "Glue" }, "ImplicitDeny"],
  ["the analyst publishes metrics", "analyst", "cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "metriccare/{w}" }, "ImplicitDeny"],
  // Roles: each is assumed by its one service; catalogs stay per layer.
  ["Lambda assumes a Glue job role", "lambdaService", "sts:AssumeRole", "arn:aws:iam::{account}:role/metriccare_bronze_job_{w}", {}, "ImplicitDeny"],
  ["Glue assumes the trigger's role", "glue", "sts:AssumeRole", "arn:aws:iam::{account}:role/metriccare_trigger_glue_{w}", {}, "ImplicitDeny"],
  ["an account administrator assumes the Bronze role", "admin", "sts:AssumeRole", "arn:aws:iam::{account}:role/metriccare_bronze_job_{w}", {}, "ImplicitDeny"],
  ["Bronze creates a table in Silver's database", "bronze", "glue:CreateTable", "arn:aws:glue:{region}:{account}:database/metriccare_silver_{w}", {}, "ImplicitDeny"],
  ["Bronze deletes a table", "bronze", "glue:DeleteTable", "arn:aws:glue:{region}:{account}:table/metriccare_bronze_{w}/patient", {}, "ImplicitDeny"],
  // The analyst: Gold only, read only, in its workgroup.
  ["the analyst reads a Bronze file (patient-level data)", "analyst", "s3:GetObject", "{lakehouse}/bronze/patient/part-0001.parquet", {}, "ImplicitDeny"],
  ["the analyst lists the Silver prefix", "analyst", "s3:ListBucket", "{lakehouse}", { "s3:prefix": "silver/" }, "ImplicitDeny"],
  ["the analyst reads a raw FHIR file", "analyst", "s3:GetObject", "{raw}/fhir/bundle.json", {}, "ImplicitDeny"],
  ["the analyst overwrites a Gold file", "analyst", "s3:PutObject", "{lakehouse}/gold/readmission_rate_30d/part-0001.parquet", {}, "ImplicitDeny"],
  ["the analyst decrypts with the key directly, not through S3 or Glue", "analyst", "kms:Decrypt", "{key}", {}, "ImplicitDeny"],
  ["the analyst queries in the primary workgroup (no enforced encryption or cutoff)", "analyst", "athena:StartQueryExecution", "arn:aws:athena:{region}:{account}:workgroup/primary", {}, "ImplicitDeny"],
  ["the analyst reads a Silver table definition", "analyst", "glue:GetTable", "arn:aws:glue:{region}:{account}:table/metriccare_silver_{w}/patient", {}, "ImplicitDeny"],
  ["the analyst lists Silver's tables", "analyst", "glue:GetTables", "arn:aws:glue:{region}:{account}:database/metriccare_silver_{w}", {}, "ImplicitDeny"],
  ["prod's analyst reads a dev Gold file", "analyst", "s3:GetObject", "{devLakehouse}/gold/readmission_rate_30d/part-0001.parquet", {}, "ImplicitDeny", "prod"],
];

describe("intended denials (policies evaluated as IAM does)", () => {
  it.each(ROWS.map((row) => [`${row[0]}: ${row[2]} → ${row[5]}`, row] as const))("%s", (_, row) => {
    // Prepare
    const [, who, action, resource, context, expected, workspace = "dev"] = row;
    const v = values(workspace);
    const principal = principals(workspace)[who];
    if (principal === undefined) throw new Error(`No principal "${who}".`);
    const arn = fill(resource, v);
    const filled = Object.fromEntries(Object.entries(context).map(([k, value]) => [k, fill(value, v)]));
    // Act
    const decision = evaluate({ principal, action, resource: arn, context: filled }, workspaces[workspace].resourcePolicyFor(arn, action));
    // Assess
    expect(decision).toBe(expected);
  });
});
