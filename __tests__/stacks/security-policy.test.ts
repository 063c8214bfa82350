import { allowDestroyFromEnvironment } from "../../app/synthesize";
import { threeEnvironmentConfig } from "../support/config-fixtures";
import { WorkspacePolicies } from "../support/iam/workspace-policies";
import { buildMetricCareStack } from "../support/metriccare-stack";
import {
  addressByPath,
  metadataPath,
  policyStatements,
  resourceAt,
  resourcesOf,
  type Block,
  type TerraformJson,
} from "../support/terraform-json";

// Policy checks over the synthesized stack, one test per rule, named by the public rule it mirrors
// (Checkov CKV_*, AWS Foundational Security Best Practices, tfsec). Deliberate exceptions:
// - CKV_AWS_117 (Lambda in a VPC): the function only calls AWS APIs; a VPC would add NAT or five
//   interface endpoints per environment and no protection for data it never touches.
// - CKV_AWS_272 (Lambda code signing): the ZIP is built by this repository and pinned by SHA-256
//   (S3 key and source_code_hash); signing needs an AWS Signer profile outside this stack.
// - CKV_AWS_144 (S3 cross-region replication): a recovery-strategy decision (cost, data residency)
//   left to each deployment; versioning and point-in-time recovery cover accidental deletes.
// - CKV_AWS_338 (log retention of a year) holds for prod only: dev and staging keep 14 and 30 days.

const { json } = buildMetricCareStack({ config: threeEnvironmentConfig({ createDataEventTrail: true }) });
const ref = (address: string, attribute: string): string => `\${${address}.${attribute}}`;
const all = (type: string): [string, Block][] => Object.entries(resourcesOf(json, type)).map(([name, block]) => [`${type}.${name}`, block]);
const buckets = all("aws_s3_bucket").map(([address]) => address);
const accessLogBucket = addressByPath(json, "aws_s3_bucket", "access_logs_bucket/bucket");
const kmsKeyArn = ref(addressByPath(json, "aws_kms_key", "/kms/key"), "arn");
const artifactsKeyArn = ref(addressByPath(json, "aws_kms_key", "/artifacts_kms/key"), "arn");
const auditKeyArn = ref(addressByPath(json, "aws_kms_key", "/audit_kms/key"), "arn");

/** The companion resource of `type` (versioning, encryption, ...) configured for `bucket`. */
function companion(type: string, bucket: string): Block | undefined {
  return Object.values(resourcesOf(json, type)).find((b) => b.bucket === ref(bucket, "id"));
}

/** Every IAM policy document attached to a role (inline policies). */
function rolePolicies(source: TerraformJson): [string, Block[]][] {
  return Object.entries(resourcesOf(source, "aws_iam_role_policy")).map(([name, block]) => [name, policyStatements(source, block.policy)]);
}

/** Every resource policy (bucket, topic, queue, key): documents other principals are granted by. */
function resourcePolicies(): [string, Block[]][] {
  return [
    ...all("aws_s3_bucket_policy").map(([a, b]): [string, Block[]] => [a, policyStatements(json, b.policy)]),
    ...all("aws_sns_topic_policy").map(([a, b]): [string, Block[]] => [a, policyStatements(json, b.policy)]),
    ...all("aws_sqs_queue_policy").map(([a, b]): [string, Block[]] => [a, policyStatements(json, b.policy)]),
    ...all("aws_kms_key").map(([a, b]): [string, Block[]] => [a, policyStatements(json, b.policy)]),
  ];
}

const principals = (statement: Block): Block[] => (statement.principals as Block[] | undefined) ?? [];

describe("security policy of the synthesized stack", () => {
  it("covers five buckets with the CloudTrail trail on (raw, lakehouse, scripts, access logs, trail)", () => {
    expect(buckets).toHaveLength(5);
  });

  describe("S3", () => {
    it("CKV_AWS_21: every bucket has versioning enabled", () => {
      for (const bucket of buckets)
        expect(companion("aws_s3_bucket_versioning", bucket)?.versioning_configuration).toEqual({ status: "Enabled" });
    });

    it("CKV_AWS_145: every bucket encrypts with the key of its purpose (patient data, artifacts, audit trail without Bucket Keys); the access-log bucket uses SSE-S3, the only encryption S3 log delivery accepts", () => {
      const kms = (key: string, bucketKey = true) => ({
        apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: key },
        bucket_key_enabled: bucketKey,
        blocked_encryption_types: ["SSE-C"],
      });
      const expected: Record<string, unknown> = {
        [accessLogBucket]: { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" }, blocked_encryption_types: ["SSE-C"] },
        [addressByPath(json, "aws_s3_bucket", "raw_bucket/bucket")]: kms(kmsKeyArn),
        [addressByPath(json, "aws_s3_bucket", "lakehouse_bucket/bucket")]: kms(kmsKeyArn),
        [addressByPath(json, "aws_s3_bucket", "scripts_bucket/bucket")]: kms(artifactsKeyArn),
        [addressByPath(json, "aws_s3_bucket", "cloudtrail/bucket/bucket")]: kms(auditKeyArn, false),
      };
      for (const bucket of buckets) {
        const [rule] = companion("aws_s3_bucket_server_side_encryption_configuration", bucket)?.rule as Block[];
        expect([bucket, rule]).toEqual([bucket, expected[bucket]]);
      }
    });

    it("CKV2_AWS_6: every bucket blocks all public access", () => {
      for (const bucket of buckets) {
        expect(companion("aws_s3_bucket_public_access_block", bucket)).toMatchObject({
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        });
      }
    });

    it("CKV2_AWS_65: every bucket disables ACLs (BucketOwnerEnforced)", () => {
      for (const bucket of buckets)
        expect(companion("aws_s3_bucket_ownership_controls", bucket)?.rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    });

    it("CKV_AWS_18: every bucket but the log bucket itself logs server access to the log bucket", () => {
      for (const bucket of buckets.filter((b) => b !== accessLogBucket)) {
        expect(companion("aws_s3_bucket_logging", bucket)).toMatchObject({ target_bucket: ref(accessLogBucket, "bucket") });
      }
      expect(companion("aws_s3_bucket_logging", accessLogBucket)).toBeUndefined();
    });

    it("CKV2_AWS_61 and CKV_AWS_300: every bucket has lifecycle rules that abort incomplete uploads and expire old versions", () => {
      for (const bucket of buckets) {
        const rules = companion("aws_s3_bucket_lifecycle_configuration", bucket)?.rule as Block[];
        expect(rules[0]).toMatchObject({
          id: "all-objects",
          status: "Enabled",
          abort_incomplete_multipart_upload: [
            { days_after_initiation: "${local.environment.lifecycle.abortIncompleteMultipartUploadDays}" },
          ],
          noncurrent_version_expiration: [{ noncurrent_days: "${local.environment.lifecycle.noncurrentVersionExpirationDays}" }],
        });
      }
    });

    it("AWS FSBP S3.5: every bucket policy denies requests without TLS on the bucket and its objects", () => {
      for (const bucket of buckets) {
        const statements = policyStatements(json, companion("aws_s3_bucket_policy", bucket)?.policy);
        expect(statements).toContainEqual({
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [ref(bucket, "arn"), `${ref(bucket, "arn")}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        });
      }
    });
  });

  it("CKV_AWS_28 and CKV_AWS_119: the processed-files table has point-in-time recovery and the KMS key", () => {
    for (const [, table] of all("aws_dynamodb_table")) {
      expect(table).toMatchObject({
        point_in_time_recovery: { enabled: true },
        server_side_encryption: { enabled: true, kms_key_arn: kmsKeyArn },
      });
    }
  });

  it("CKV_AWS_26: the SNS topic is encrypted with the KMS key", () => {
    for (const [, topic] of all("aws_sns_topic")) expect(topic.kms_master_key_id).toBe(kmsKeyArn);
  });

  it("CKV_AWS_27: every SQS queue is encrypted with the KMS key", () => {
    const queues = all("aws_sqs_queue");
    expect(queues).toHaveLength(2);
    for (const [, queue] of queues) expect(queue.kms_master_key_id).toBe(kmsKeyArn);
  });

  it("CKV_AWS_158 and CKV_AWS_66: every log group is encrypted with the KMS key and has a retention", () => {
    for (const [, group] of all("aws_cloudwatch_log_group")) {
      expect(group).toMatchObject({ kms_key_id: kmsKeyArn, retention_in_days: "${local.environment.logRetentionDays}" });
    }
  });

  it("CKV_AWS_338: prod keeps logs at least a year", () => {
    const prod = (json.locals?.environments as Record<string, { logRetentionDays: number }>).prod;
    expect(prod?.logRetentionDays).toBeGreaterThanOrEqual(365);
  });

  describe("Lambda", () => {
    const [[address, fn]] = all("aws_lambda_function") as [[string, Block]];

    it("CKV_AWS_50: X-Ray tracing is active", () => {
      expect(fn.tracing_config).toEqual({ mode: "Active" });
    });

    it("CKV_AWS_116: failed asynchronous events go to an SQS on-failure destination (richer than a DLQ: it keeps the error)", () => {
      const [[, config]] = all("aws_lambda_function_event_invoke_config") as [[string, Block]];
      expect(config.function_name).toBe(ref(address, "function_name"));
      expect(config.destination_config).toEqual({
        on_failure: { destination: ref(addressByPath(json, "aws_sqs_queue", "trigger_glue/on_failure/queue"), "arn") },
      });
    });

    it("CKV_AWS_115: concurrency is reserved (and capped)", () => {
      expect(fn.reserved_concurrent_executions).toBe("${local.environment.derived.lambdaReservedConcurrency}");
    });

    it("CKV_AWS_173: environment variables are encrypted with the artifacts key (names and ARNs; deployers decrypt them to read the function)", () => {
      expect(fn.kms_key_arn).toBe(artifactsKeyArn);
    });

    it("AWS FSBP Lambda.1 / tfsec aws-lambda-restrict-source-arn: every invoke permission names its source, and S3's its account", () => {
      const permissions = all("aws_lambda_permission");
      // S3, the schedule, the job state changes and the freshness check.
      expect(permissions).toHaveLength(4);
      for (const [, permission] of permissions) {
        expect(String(permission.source_arn)).toMatch(/^\$\{aws_(s3_bucket|cloudwatch_event_rule)\.[A-Za-z0-9_]+\.arn\}$/);
        if (String(permission.principal).startsWith("s3."))
          expect(permission.source_account).toBe("${data.aws_caller_identity.current.account_id}");
      }
    });
  });

  describe("Glue", () => {
    const securityConfiguration = addressByPath(json, "aws_glue_security_configuration", "glue_security/configuration");

    it("CKV_AWS_195: every job runs with the security configuration", () => {
      const jobs = all("aws_glue_job");
      expect(jobs).toHaveLength(3);
      for (const [, job] of jobs) expect(job.security_configuration).toBe(ref(securityConfiguration, "name"));
    });

    it("CKV_AWS_99: the security configuration encrypts S3 (SSE-KMS), CloudWatch (SSE-KMS) and bookmarks (CSE-KMS)", () => {
      expect(resourceAt(json, securityConfiguration).encryption_configuration).toEqual({
        s3_encryption: { s3_encryption_mode: "SSE-KMS", kms_key_arn: kmsKeyArn },
        cloudwatch_encryption: { cloudwatch_encryption_mode: "SSE-KMS", kms_key_arn: kmsKeyArn },
        job_bookmarks_encryption: { job_bookmarks_encryption_mode: "CSE-KMS", kms_key_arn: kmsKeyArn },
      });
    });

    it("CKV_AWS_94: the Data Catalog is encrypted with the KMS key in workspaces that manage the account-wide setting", () => {
      const [[, settings]] = all("aws_glue_data_catalog_encryption_settings") as [[string, Block]];
      expect(settings).toEqual(
        expect.objectContaining({
          count: "${local.environment.manageDataCatalogEncryption ? 1 : 0}",
          data_catalog_encryption_settings: {
            encryption_at_rest: { catalog_encryption_mode: "SSE-KMS", sse_aws_kms_key_id: kmsKeyArn },
            connection_password_encryption: { return_connection_password_encrypted: true, aws_kms_key_id: kmsKeyArn },
          },
        }),
      );
    });
  });

  describe("KMS", () => {
    it("has three keys by purpose: patient data, deployment artifacts, the audit trail", () => {
      expect(all("aws_kms_key").map(([, key]) => metadataPath(key).split("/").slice(-2, -1)[0])).toEqual([
        "kms",
        "artifacts_kms",
        "audit_kms",
      ]);
    });

    it("CKV_AWS_7: every key rotates", () => {
      for (const [, key] of all("aws_kms_key")) expect(key.enable_key_rotation).toBe(true);
    });

    it("CKV_AWS_33: no key policy allows a wildcard principal (only Deny statements name everyone), and every service principal is bound to this environment", () => {
      for (const [, key] of all("aws_kms_key")) {
        for (const statement of policyStatements(json, key.policy).filter((s) => s.effect !== "Deny")) {
          for (const principal of principals(statement)) expect(principal.identifiers).not.toContain("*");
          if (principals(statement).some((p) => p.type === "Service"))
            expect(JSON.stringify(statement.condition)).toMatch(/aws:SourceAccount|aws:SourceArn|kms:EncryptionContext/);
        }
      }
    });
  });

  describe("IAM", () => {
    // Where AWS offers no resource-level permission, "*" is required; each such action is listed here.
    const WILDCARD_RESOURCE_ACTIONS = [
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "cloudwatch:PutMetricData",
      "athena:ListDataCatalogs",
      "athena:ListWorkGroups",
      "athena:ListEngineVersions",
    ];

    it('CKV_AWS_62 and CKV_AWS_63: no role policy allows Action "*" or "<service>:*"', () => {
      for (const [, statements] of rolePolicies(json)) {
        for (const action of statements.flatMap((s) => s.actions as string[])) expect(action).not.toMatch(/(^\*$|:\*$)/);
      }
    });

    it('CKV_AWS_355, CKV_AWS_290 and CKV_AWS_289: Resource "*" only for actions without resource-level permissions', () => {
      for (const [, statements] of rolePolicies(json)) {
        for (const statement of statements.filter((s) => (s.resources as string[]).includes("*"))) {
          expect(WILDCARD_RESOURCE_ACTIONS).toEqual(expect.arrayContaining(statement.actions as string[]));
        }
      }
    });

    it("every service role's trust policy lets exactly one AWS service principal assume it, with no condition key the service is not documented to send", () => {
      // The fifth role, the analyst's, is assumed by people and dashboards (tests of AnalystRole).
      const roles = all("aws_iam_role").filter(([, role]) => !metadataPath(role).endsWith("analyst/role"));
      expect(roles).toHaveLength(4);
      for (const [, role] of roles) {
        const [statement, ...others] = policyStatements(json, role.assume_role_policy);
        expect(others).toEqual([]);
        expect(statement).toEqual({
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: [expect.stringMatching(/^(lambda|glue)\.amazonaws\.com$/)] }],
        });
      }
    });

    it('no resource policy allows a wildcard principal (only Deny statements name "*")', () => {
      for (const [, statements] of resourcePolicies()) {
        for (const statement of statements.filter((s) => s.effect !== "Deny")) {
          for (const principal of principals(statement)) expect(principal.identifiers).not.toContain("*");
        }
      }
    });
  });

  it("EventBridge: every target retries and has a dead-letter queue", () => {
    const dlq = ref(addressByPath(json, "aws_sqs_queue", "event_bridge/dead_letter_queue/queue"), "arn");
    const targets = all("aws_cloudwatch_event_target");
    // Schedule and freshness check to the Lambda, job state changes to the Lambda and the topic.
    expect(targets).toHaveLength(4);
    for (const [, target] of targets) {
      expect(target).toMatchObject({
        retry_policy: { maximum_retry_attempts: 8, maximum_event_age_in_seconds: 3600 },
        dead_letter_config: { arn: dlq },
      });
    }
  });

  it("CKV_AWS_35 and CKV_AWS_36: the data-event trail is KMS-encrypted with log file validation, recording where the environment says", () => {
    const [[, trail]] = all("aws_cloudtrail") as [[string, Block]];
    expect(trail).toMatchObject({
      kms_key_id: auditKeyArn,
      enable_log_file_validation: true,
      enable_logging: "${local.environment.dataEventLogging}",
    });
  });

  describe("stateful resources and teardown", () => {
    const byPath = (type: string, path: string): Block => resourceAt(json, addressByPath(json, type, path));
    const stateful: [string, string][] = [
      ["aws_s3_bucket", "raw_bucket/bucket"],
      ["aws_s3_bucket", "lakehouse_bucket/bucket"],
      ["aws_s3_bucket", "access_logs_bucket/bucket"],
      ["aws_s3_bucket", "cloudtrail/bucket/bucket"],
      ["aws_kms_key", "/kms/key"],
      ["aws_kms_key", "/audit_kms/key"],
      ["aws_dynamodb_table", "processed_files/table"],
    ];

    it.each(stateful)("%s %s carries prevent_destroy", (type, path) => {
      expect(byPath(type, path).lifecycle).toEqual({ prevent_destroy: true });
    });

    it("leaves prevent_destroy out when synthesized for a teardown (allowDestroy)", () => {
      const teardown = buildMetricCareStack({ config: threeEnvironmentConfig({ createDataEventTrail: true }), allowDestroy: true }).json;
      for (const [type, path] of stateful) expect(resourceAt(teardown, addressByPath(teardown, type, path)).lifecycle).toBeUndefined();
    });

    it("takes every bucket's force_destroy from the environment's settings", () => {
      for (const [, bucket] of all("aws_s3_bucket")) expect(bucket.force_destroy).toBe("${local.environment.forceDestroy}");
    });

    it("protects raw FHIR files with Object Lock (governance) for the environment's days, and the trail's log files for their retention", () => {
      const locks = Object.fromEntries(all("aws_s3_bucket_object_lock_configuration").map(([, lock]) => [lock.bucket, lock.rule]));
      expect(locks).toEqual({
        [ref(addressByPath(json, "aws_s3_bucket", "raw_bucket/bucket"), "id")]: {
          default_retention: { mode: "GOVERNANCE", days: "${local.environment.rawObjectLockDays}" },
        },
        [ref(addressByPath(json, "aws_s3_bucket", "cloudtrail/bucket/bucket"), "id")]: {
          default_retention: { mode: "GOVERNANCE", days: "${local.environment.auditLogRetentionDays}" },
        },
      });
    });
  });
});

describe("alert subscription precondition (terraform plan)", () => {
  const silent = threeEnvironmentConfig();
  const environments = silent.environments.map((e) => (e.name === "prod" ? { ...e, alertEmails: [] } : e));
  const stack = buildMetricCareStack({ config: { ...silent, environments } }).json;
  const topic = resourceAt(stack, addressByPath(stack, "aws_sns_topic", "alerts/topic"));
  const [precondition] = (topic.lifecycle as { precondition: { condition: string; error_message: string }[] }).precondition;

  it.each([
    ["prod", false],
    ["dev", true],
  ])("holds in %s: %p (prod requires a subscription and has none; dev requires none)", (workspace, holds) => {
    // Prepare
    const policies = new WorkspacePolicies(stack, {
      workspace,
      accountId: "111122223333",
      deployerRoleArn: "arn:aws:iam::111122223333:role/d",
    });
    // Act
    const result = policies.resolve(precondition?.condition);
    // Assess
    expect(result).toBe(holds);
    expect(precondition?.error_message).toContain("`requireAlertSubscription` is true but `alertEmails` is empty");
  });
});

describe("allowDestroyFromEnvironment", () => {
  it.each([
    [undefined, false],
    ["0", false],
    ["1", true],
  ])("METRICCARE_ALLOW_DESTROY=%p → %p", (value, expected) => {
    expect(allowDestroyFromEnvironment({ METRICCARE_ALLOW_DESTROY: value })).toBe(expected);
  });

  it("rejects any other value, naming it", () => {
    expect(() => allowDestroyFromEnvironment({ METRICCARE_ALLOW_DESTROY: "yes" })).toThrow(
      'METRICCARE_ALLOW_DESTROY: must be "1" (leave prevent_destroy out, for a teardown) or "0"/unset, got "yes".',
    );
  });
});
