import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing, TerraformStack } from "cdktf";
import { validateConfig } from "../../config/validate-config";
import { HUDI_TABLE_PREFIXES } from "../../stacks/domains/storage";
import { MetricCareStack, projectSources } from "../../stacks/metriccare-stack";
import { workspaceValues } from "../../stacks/workspace-settings";
import { otherEnvironmentConfig, threeEnvironmentConfig } from "../support/config-fixtures";
import { buildMetricCareStack, PROJECT_ROOT } from "../support/metriccare-stack";
import { addressByPath, metadataPath, onlyResource, policyStatements, resourceAt, type Block } from "../support/terraform-json";
import { tempDirectory } from "../support/test-context";

const sha256 = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");
const ref = (address: string, attribute: string): string => `\${${address}.${attribute}}`;

describe("MetricCareStack", () => {
  // Prepare (shared): one synth of the whole stack from a test configuration (dev, staging, prod).
  const config = threeEnvironmentConfig();
  const { json, bundle } = buildMetricCareStack({ config });
  const byPath = (type: string, path: string): Block => resourceAt(json, addressByPath(json, type, path));

  describe("workspace-based environments", () => {
    it("synthesizes every environment's settings into one locals map keyed by workspace", () => {
      // Assess
      const environments = json.locals?.environments as Record<string, Record<string, unknown>>;
      expect(Object.keys(environments).sort()).toEqual(["dev", "prod", "staging"]);
      for (const env of validateConfig(config).environments) expect(environments[env.name]).toEqual(workspaceValues(env));
      expect(environments.prod).toMatchObject({
        lambda: expect.objectContaining({ memorySizeMb: 512, timeoutSeconds: 120 }),
        glue: expect.objectContaining({ workerType: "G.2X", numberOfWorkers: 10 }),
        deletionProtection: true,
      });
      expect(environments.dev).toMatchObject({
        lambda: expect.objectContaining({ memorySizeMb: 256 }),
        scheduleExpression: "cron(0 6 * * ? *)",
        logRetentionDays: 14,
        deletionProtection: false,
      });
    });

    it("selects the entry of terraform.workspace, falling back to the first only for the guard to report", () => {
      expect(json.locals?.workspace).toBe("${terraform.workspace}");
      expect(json.locals?.workspace_configured).toBe("${contains(keys(local.environments), local.workspace)}");
      expect(json.locals?.environment).toBe('${local.environments[local.workspace_configured ? local.workspace : "dev"]}');
    });

    it("fails plan in an unconfigured workspace with a message naming the configured ones", () => {
      // On the caller identity: the data source every ARN needs, so Terraform reads it first.
      const identity = json.data?.aws_caller_identity?.current as Block;
      const [precondition] = (identity.lifecycle as { precondition: Block[] }).precondition;
      expect(precondition?.condition).toBe("${local.workspace_configured}");
      expect(precondition?.error_message).toContain(
        'Terraform workspace "${terraform.workspace}" is not a configured MetricCare environment',
      );
      expect(precondition?.error_message).toContain("Configured workspaces: dev, staging, prod.");
    });

    it("names resources and tags them after the workspace", () => {
      expect(onlyResource(json, "aws_sns_topic").name).toBe("metriccare_alerts_${local.workspace}");
      expect(onlyResource(json, "aws_lambda_function").function_name).toBe("metriccare_trigger_glue_${local.workspace}");
      expect(onlyResource(json, "aws_glue_workflow").name).toBe("metriccare_etl_workflow_${local.workspace}");
      expect(json.provider?.aws?.[0]).toEqual(
        expect.objectContaining({
          region: config.awsRegion,
          default_tags: [{ tags: { Project: "MetricCare", Environment: "${local.workspace}", ManagedBy: "cdktf" } }],
        }),
      );
    });

    it("reads per-environment values from the selected entry", () => {
      const fn = onlyResource(json, "aws_lambda_function");
      expect(fn.memory_size).toBe("${local.environment.lambda.memorySizeMb}");
      expect(fn.timeout).toBe("${local.environment.lambda.timeoutSeconds}");
      expect(byPath("aws_cloudwatch_event_rule", "event_bridge/schedule").schedule_expression).toBe(
        "${local.environment.scheduleExpression}",
      );
      expect(onlyResource(json, "aws_dynamodb_table").deletion_protection_enabled).toBe("${local.environment.deletionProtection}");
      expect(byPath("aws_glue_job", "bronze_job/job")).toMatchObject({
        worker_type: "${local.environment.glue.workerType}",
        number_of_workers: "${local.environment.glue.numberOfWorkers}",
      });
      expect(onlyResource(json, "aws_glue_data_catalog_encryption_settings").count).toBe(
        "${local.environment.manageDataCatalogEncryption ? 1 : 0}",
      );
    });

    it("keeps state local, outside cdktf.out, unless an S3 backend is configured", () => {
      expect(json.terraform?.backend).toEqual({
        local: { path: "../../../terraform.metriccare.tfstate", workspace_dir: "../../../terraform.metriccare.tfstate.d" },
      });
      const { json: withS3 } = buildMetricCareStack({
        bundle,
        state: { bucket: "acme-terraform-state", region: "eu-west-1", key: "metriccare/terraform.tfstate" },
      });
      expect((withS3.terraform?.backend as Record<string, Block>).s3).toEqual({
        bucket: "acme-terraform-state",
        key: "metriccare/terraform.tfstate",
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
        workspace_key_prefix: "workspaces",
      });
    });
  });

  describe("terraform block", () => {
    it("requires Terraform 1.10, which the S3 backend's use_lockfile needs", () => {
      expect(json.terraform?.required_version).toBe(">= 1.10");
    });
  });

  describe("lakehouse bucket lifecycle", () => {
    it("expires replaced Hudi file versions under every table prefix after the workspace's days", () => {
      // Assess
      const rules = byPath("aws_s3_bucket_lifecycle_configuration", "lakehouse_bucket/lifecycle").rule as Block[];
      expect(rules.filter((rule) => String(rule.id).startsWith("expire-replaced-"))).toEqual(
        ["bronze", "silver", "gold", "quarantine-silver"].map((name, index) => ({
          id: `expire-replaced-${name}`,
          status: "Enabled",
          filter: [{ prefix: HUDI_TABLE_PREFIXES[index] }],
          noncurrent_version_expiration: [{ noncurrent_days: "${local.environment.lifecycle.hudiNoncurrentVersionExpirationDays}" }],
        })),
      );
    });

    it("covers every Hudi table location of etl/config/lakehouse.json and leaves Bronze's quarantined raw files out", () => {
      // Prepare
      const lakehouse = JSON.parse(readFileSync(join(PROJECT_ROOT, "etl/config/lakehouse.json"), "utf8")) as {
        layers: Record<string, { prefix: string; quarantine_prefix: string; tables: Record<string, unknown> }>;
      };
      // Act
      const tablePrefixes = [...Object.values(lakehouse.layers).map((layer) => layer.prefix), lakehouse.layers.silver.quarantine_prefix];
      // Assess
      expect([...HUDI_TABLE_PREFIXES].sort()).toEqual(tablePrefixes.sort());
      expect(HUDI_TABLE_PREFIXES).not.toContain(lakehouse.layers.bronze.quarantine_prefix);
    });
  });

  describe("Glue workflow", () => {
    it("runs bronze on demand, then silver and gold each when the previous job SUCCEEDED", () => {
      const workflow = addressByPath(json, "aws_glue_workflow", "etl_workflow/workflow");
      const job = (layer: string): string => ref(addressByPath(json, "aws_glue_job", `${layer}_job/job`), "name");
      expect(resourceAt(json, workflow).max_concurrent_runs).toBe(1);
      expect(byPath("aws_glue_trigger", "etl_workflow/start_bronze")).toMatchObject({
        type: "ON_DEMAND",
        workflow_name: ref(workflow, "name"),
        actions: [{ job_name: job("bronze") }],
      });
      expect(byPath("aws_glue_trigger", "etl_workflow/bronze_to_silver")).toMatchObject({
        type: "CONDITIONAL",
        start_on_creation: true,
        predicate: { conditions: [{ job_name: job("bronze"), state: "SUCCEEDED", logical_operator: "EQUALS" }] },
        actions: [{ job_name: job("silver") }],
      });
      expect(byPath("aws_glue_trigger", "etl_workflow/silver_to_gold")).toMatchObject({
        predicate: { conditions: [{ job_name: job("silver"), state: "SUCCEEDED", logical_operator: "EQUALS" }] },
        actions: [{ job_name: job("gold") }],
      });
    });

    it.each(["bronze", "silver", "gold"])("points the %s job at the uploaded script object with its content hash in the key", (layer) => {
      const object = addressByPath(json, "aws_s3_object", `upload_scripts/glue_script_${layer}_job/object`);
      const script = join(PROJECT_ROOT, "etl", "jobs", `${layer}_job.py`);
      expect(resourceAt(json, object).key).toBe(`glue/scripts/${layer}_job-${sha256(script)}.py`);
      expect((byPath("aws_glue_job", `${layer}_job/job`).command as Block).script_location).toBe(
        `s3://${ref(object, "bucket")}/${ref(object, "key")}`,
      );
    });
  });

  describe("trigger Lambda", () => {
    it("deploys the uploaded ZIP by content hash", () => {
      const object = addressByPath(json, "aws_s3_object", "upload_scripts/function_glue_trigger/object");
      expect(resourceAt(json, object).key).toBe(`lambda/glue_trigger/glue_trigger-${bundle.sha256Hex}.zip`);
      expect(onlyResource(json, "aws_lambda_function")).toMatchObject({
        s3_key: ref(object, "key"),
        source_code_hash: bundle.sha256Base64,
        runtime: "nodejs22.x",
        handler: "index.handler",
        architectures: ["arm64"],
      });
    });

    it("gets the workflow, first and final job, topic, table and metrics namespace through its environment", () => {
      expect((onlyResource(json, "aws_lambda_function").environment as Block).variables).toEqual({
        GLUE_WORKFLOW_NAME: ref(addressByPath(json, "aws_glue_workflow", "etl_workflow/workflow"), "name"),
        GLUE_FIRST_JOB_NAME: ref(addressByPath(json, "aws_glue_job", "bronze_job/job"), "name"),
        METRICS_NAMESPACE: "metriccare/${local.workspace}",
        GLUE_FINAL_JOB_NAME: ref(addressByPath(json, "aws_glue_job", "gold_job/job"), "name"),
        ALERTS_TOPIC_ARN: ref(addressByPath(json, "aws_sns_topic", "alerts/topic"), "arn"),
        PROCESSED_FILES_TABLE: ref(addressByPath(json, "aws_dynamodb_table", "processed_files/table"), "name"),
        PROCESSED_FILES_STATUS_INDEX: "status_index",
        ENVIRONMENT: "${local.workspace}",
        LOG_LEVEL: "${local.environment.lambda.logLevel}",
        POWERTOOLS_SERVICE_NAME: "metriccare-glue-trigger",
        MAX_CONSECUTIVE_FAILED_RUNS: "${local.environment.lambda.maxConsecutiveFailedRuns}",
        GLUE_MAX_RETRIES: "${local.environment.glue.maxRetries}",
        RUN_END_WAIT_SECONDS: "${local.environment.derived.lambdaRunEndWaitSeconds}",
      });
    });

    it("may start runs of this workflow only, publish to the topic and track files in the table", () => {
      const policy = byPath("aws_iam_role_policy", "trigger_glue/role/policy");
      const statements = policyStatements(json, policy.policy);
      const bySid = (sid: string) => statements.find((s) => s.sid === sid);
      const table = addressByPath(json, "aws_dynamodb_table", "processed_files/table");
      expect(bySid("StartThisWorkflow")).toMatchObject({
        actions: ["glue:GetWorkflowRuns", "glue:StartWorkflowRun"],
        resources: [ref(addressByPath(json, "aws_glue_workflow", "etl_workflow/workflow"), "arn")],
      });
      expect(bySid("ReadJobRunAttempts")).toMatchObject({
        actions: ["glue:GetJobRun"],
        resources: ["bronze", "silver", "gold"].map((layer) => ref(addressByPath(json, "aws_glue_job", `${layer}_job/job`), "arn")),
      });
      expect(bySid("PublishAlerts")).toMatchObject({
        actions: ["sns:Publish"],
        resources: [ref(addressByPath(json, "aws_sns_topic", "alerts/topic"), "arn")],
      });
      expect(bySid("TrackProcessedFiles")).toMatchObject({
        actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
        resources: [ref(table, "arn")],
      });
      expect(bySid("FindFilesByStatus")).toMatchObject({
        actions: ["dynamodb:Query"],
        resources: [`${ref(table, "arn")}/index/status_index`],
      });
      expect(bySid("WriteOwnLogs")?.resources).toEqual([
        `arn:${"${data.aws_partition.partition.partition}"}:logs:${config.awsRegion}:\${data.aws_caller_identity.current.account_id}:log-group:${ref(addressByPath(json, "aws_cloudwatch_log_group", "trigger_glue/logs/log_group"), "name")}:log-stream:*`,
      ]);
    });

    it("is invoked for new FHIR objects in the raw bucket only, by this account", () => {
      const raw = addressByPath(json, "aws_s3_bucket", "raw_bucket/bucket");
      const fn = addressByPath(json, "aws_lambda_function", "trigger_glue/function");
      const notification = onlyResource(json, "aws_s3_bucket_notification");
      expect(notification.bucket).toBe(ref(raw, "id"));
      expect(notification.lambda_function).toEqual([
        {
          id: "object-created-json",
          events: ["s3:ObjectCreated:*"],
          filter_prefix: "fhir/",
          filter_suffix: ".json",
          lambda_function_arn: ref(fn, "arn"),
        },
        {
          id: "object-created-ndjson",
          events: ["s3:ObjectCreated:*"],
          filter_prefix: "fhir/",
          filter_suffix: ".ndjson",
          lambda_function_arn: ref(fn, "arn"),
        },
      ]);
      expect(byPath("aws_lambda_permission", "trigger_glue/allow_s3_object_created")).toMatchObject({
        principal: "s3.${data.aws_partition.partition.dns_suffix}",
        source_arn: ref(raw, "arn"),
        source_account: "${data.aws_caller_identity.current.account_id}",
      });
      expect(notification.depends_on).toEqual([addressByPath(json, "aws_lambda_permission", "trigger_glue/allow_s3_object_created")]);
    });
  });

  describe("Gold in Athena", () => {
    it("has one workgroup writing results under athena-results/ of the lakehouse bucket, with the workspace's scan cutoff", () => {
      // Assess
      const workgroup = onlyResource(json, "aws_athena_workgroup");
      const lakehouse = addressByPath(json, "aws_s3_bucket", "lakehouse_bucket/bucket");
      expect(workgroup.name).toBe("metriccare_analytics_${local.workspace}");
      expect(workgroup.configuration).toMatchObject({
        enforce_workgroup_configuration: true,
        bytes_scanned_cutoff_per_query: "${local.environment.derived.athenaBytesScannedCutoffPerQuery}",
        result_configuration: { output_location: `s3://${ref(lakehouse, "bucket")}/athena-results/` },
      });
    });

    it("expires query results after the workspace's days, in a lifecycle rule of their own", () => {
      // Assess
      const rules = byPath("aws_s3_bucket_lifecycle_configuration", "lakehouse_bucket/lifecycle").rule as Block[];
      expect(rules.find((r) => r.id === "expire-athena-results")).toMatchObject({
        filter: [{ prefix: "athena-results/" }],
        expiration: [{ days: "${local.environment.athena.resultsExpirationDays}" }],
      });
    });

    it("saves one named query per Gold measure against the Gold database, in the workgroup", () => {
      // Assess
      const queries = Object.values(json.resource?.aws_athena_named_query ?? {});
      const gold = addressByPath(json, "aws_glue_catalog_database", "gold_database/database");
      const workgroup = addressByPath(json, "aws_athena_workgroup", "athena/workgroup");
      expect(queries.map((q) => q.name).sort()).toEqual([
        "average_length_of_stay",
        "condition_prevalence",
        "encounters_by_class_month",
        "patients_by_age_band_gender",
        "readmission_rate_30d",
      ]);
      for (const query of queries) expect(query).toMatchObject({ database: ref(gold, "name"), workgroup: ref(workgroup, "name") });
    });

    it("has an analyst role assumable by the workspace's analyst principals, else by the role running Terraform", () => {
      // Assess
      const role = byPath("aws_iam_role", "analyst/role");
      expect(role.name).toBe("metriccare_analyst_${local.workspace}");
      const trust = Object.values(json.data?.aws_iam_policy_document ?? {}).find((d) => metadataPath(d).endsWith("analyst/trust"));
      expect(trust?.statement).toEqual([
        expect.objectContaining({
          principals: [
            {
              type: "AWS",
              identifiers:
                "${coalescelist(local.environment.athena.analystPrincipalArns, [data.aws_iam_session_context.deployer.issuer_arn])}",
            },
          ],
        }),
      ]);
    });
  });

  it("exposes the seed module's outputs", () => {
    const fn = addressByPath(json, "aws_lambda_function", "trigger_glue/function");
    expect(json.output?.lambda_arn).toMatchObject({ value: ref(fn, "arn") });
    expect(json.output?.lambda_name).toMatchObject({ value: ref(fn, "function_name") });
    expect(json.output?.lambda_role_arn).toMatchObject({
      value: ref(addressByPath(json, "aws_iam_role", "trigger_glue/role/role"), "arn"),
    });
    expect(Object.keys(json.output ?? {}).sort()).toEqual([
      "alerts_topic_arn",
      "analyst_role_arn",
      "artifacts_kms_key_arn",
      "athena_workgroup_name",
      "bronze_database_name",
      "glue_workflow_name",
      "gold_database_name",
      "kms_key_arn",
      "lakehouse_bucket_name",
      "lambda_arn",
      "lambda_name",
      "lambda_role_arn",
      "processed_files_table_name",
      "raw_bucket_name",
      "scripts_bucket_name",
      "silver_database_name",
    ]);
  });

  describe("preparation before synthesis", () => {
    const sources = { ...projectSources(PROJECT_ROOT, bundle), stagingDirectory: tempDirectory() };
    const validated = validateConfig(config);
    const newStack = (app = Testing.app()) => new MetricCareStack(app, "metriccare", { config: validated, sources });
    afterEach(() => jest.restoreAllMocks());

    it("skips cdktf's cross-stack resolve pass when it is the app's only stack, and synthesizes the same JSON", () => {
      // Prepare
      const skipped = newStack();
      const prepared = newStack();
      const cdktfPrepare = jest.spyOn(TerraformStack.prototype, "prepareStack");
      // Act
      skipped.prepareStack();
      expect(cdktfPrepare).not.toHaveBeenCalled();
      cdktfPrepare.mockRestore();
      TerraformStack.prototype.prepareStack.call(prepared);
      // Assess
      expect(JSON.stringify(skipped.toTerraform())).toBe(JSON.stringify(prepared.toTerraform()));
      expect(skipped.toTerraform().terraform?.backend).toEqual({
        local: { path: "../../../terraform.metriccare.tfstate", workspace_dir: "../../../terraform.metriccare.tfstate.d" },
      });
    });

    it("runs cdktf's preparation when the app holds other stacks, which may reference this one", () => {
      // Prepare
      const app = Testing.app();
      const stack = newStack(app);
      new TerraformStack(app, "other");
      const cdktfPrepare = jest.spyOn(TerraformStack.prototype, "prepareStack");
      // Act
      stack.prepareStack();
      // Assess
      expect(cdktfPrepare).toHaveBeenCalledTimes(1);
    });
  });
});

describe.each([
  ["dev, staging and prod in eu-central-1", threeEnvironmentConfig()],
  ["sandbox, qa and live in ap-southeast-2 with a permissions boundary", otherEnvironmentConfig()],
])("MetricCareStack from %s", (_, config) => {
  // Prepare (shared)
  const { json } = buildMetricCareStack({ config });
  const names = config.environments.map((e) => e.name);

  it("has one locals entry per configured environment and a guard naming exactly those", () => {
    // Assess
    expect(Object.keys(json.locals?.environments as object).sort()).toEqual([...names].sort());
    const identity = json.data?.aws_caller_identity?.current as Block;
    const [precondition] = (identity.lifecycle as { precondition: Block[] }).precondition;
    expect(precondition?.error_message).toContain(`Configured workspaces: ${names.join(", ")}.`);
  });

  it("deploys to the configured region and names resources with the project name", () => {
    // Assess
    expect(json.provider?.aws?.[0]).toMatchObject({ region: config.awsRegion });
    expect(onlyResource(json, "aws_sns_topic").name).toBe(`${config.projectName}_alerts_\${local.workspace}`);
  });

  it("attaches the permissions boundary, when configured, to every role", () => {
    // Assess
    const boundaries = Object.values(json.resource?.aws_iam_role ?? {}).map((role) => role.permissions_boundary);
    expect(boundaries).toHaveLength(5);
    expect(new Set(boundaries)).toEqual(new Set([config.permissionsBoundaryArn]));
  });
});
