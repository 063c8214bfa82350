import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LambdaFunction as LambdaFunctionResource } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { ref, Token } from "cdktf";
import { createHash } from "node:crypto";
import { EncryptedLogGroup } from "../../../modules/cloudwatch/log-group";
import type { LambdaFunctionProps } from "../../../modules/lambda_function/lambda-function";
import { MetricCareValidationError } from "../../../modules/shared/errors";
import { ServiceRole } from "../../../modules/shared/service-role";
import { testFunction } from "../../support/construct-fixtures";
import { synthConstruct } from "../../support/construct-synth";
import { policyStatements } from "../../support/terraform-json";
import { testKey } from "../../support/test-context";

/** The fixture function `test_function` (construct "fn"), with `props` on top. */
const lambda = (props: Partial<LambdaFunctionProps> = {}) => synthConstruct((scope) => testFunction(scope, testKey(scope), props));
const VIA_SERVICES = ["s3", "dynamodb", "sns", "sqs", "lambda", "glue"].map((s) => `${s}.eu-west-1.amazonaws.com`);

describe("LambdaFunction", () => {
  it("runs index.handler on nodejs22.x arm64 with 60 s, 256 MB, unreserved concurrency, X-Ray and INFO JSON logs by default", () => {
    // Act
    const { synth, ref } = lambda();
    // Assess
    const [fn] = Object.values(JSON.parse(synth).resource.aws_lambda_function as Record<string, Record<string, unknown>>);
    expect(fn).not.toHaveProperty("reserved_concurrent_executions");
    expect(synth).toHaveResourceWithProperties(LambdaFunctionResource, {
      function_name: "test_function",
      handler: "index.handler",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      timeout: 60,
      memory_size: 256,
      tracing_config: { mode: "Active" },
      logging_config: {
        log_format: "JSON",
        log_group: ref("aws_cloudwatch_log_group", "fn/logs/log_group", "name"),
        application_log_level: "INFO",
        system_log_level: "WARN",
      },
      environment: { variables: {} },
      tags: {},
    });
  });

  it("uses the settings given", () => {
    // Act
    const { synth } = lambda({
      handler: "main.run",
      runtime: "nodejs20.x",
      architecture: "x86_64",
      timeoutSeconds: 300,
      memorySizeMb: 1024,
      reservedConcurrency: 1,
      logLevel: "DEBUG",
      environment: { GLUE_WORKFLOW_NAME: "etl" },
      tags: { Owner: "data" },
    });
    // Assess
    expect(synth).toHaveResourceWithProperties(LambdaFunctionResource, {
      handler: "main.run",
      runtime: "nodejs20.x",
      architectures: ["x86_64"],
      timeout: 300,
      memory_size: 1024,
      reserved_concurrent_executions: 1,
      logging_config: expect.objectContaining({ application_log_level: "DEBUG" }),
      environment: { variables: { GLUE_WORKFLOW_NAME: "etl" } },
      tags: { Owner: "data" },
    });
  });

  it("leaves concurrency unreserved for reservedConcurrency 0, as accounts with a concurrency quota of 10 need", () => {
    // Act
    const { synth } = lambda({ reservedConcurrency: 0 });
    // Assess
    const [fn] = Object.values(JSON.parse(synth).resource.aws_lambda_function as Record<string, Record<string, unknown>>);
    expect(fn).not.toHaveProperty("reserved_concurrent_executions");
  });

  it("deploys the uploaded ZIP by bucket, content-hashed key and base64 SHA-256", () => {
    // Act
    const { synth, ref } = lambda();
    // Assess
    expect(synth).toHaveResourceWithProperties(LambdaFunctionResource, {
      s3_bucket: ref("aws_s3_bucket", "fn_code_bucket/bucket", "bucket"),
      s3_key: ref("aws_s3_object", "fn_code/object", "key"),
      source_code_hash: createHash("sha256").update("zip bytes").digest("base64"),
    });
  });

  it("encrypts its environment with the key and runs with its role once the role's policy exists", () => {
    // Act
    const { synth, ref, resource, address } = lambda();
    // Assess
    expect(synth).toHaveResourceWithProperties(LambdaFunctionResource, {
      kms_key_arn: ref("aws_kms_key", "key/key", "arn"),
      role: ref("aws_iam_role", "fn/role/role", "arn"),
    });
    expect(resource("aws_lambda_function", "fn/function").depends_on).toEqual([address("aws_iam_role_policy", "fn/role/policy")]);
  });

  // Doubtful: the description is fixed to the Glue trigger's, whatever function this is.
  it("uses the given description", () => {
    // Act
    const { synth } = lambda({ description: "Starts the ETL" });
    // Assess
    expect(synth).toHaveResourceWithProperties(LambdaFunctionResource, { description: "Starts the ETL" });
  });

  it("creates its log group /aws/lambda/<name> first, with the retention and key", () => {
    // Act
    const { synth, ref } = lambda({ logRetentionDays: 30 });
    // Assess
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/lambda/test_function",
      retention_in_days: 30,
      kms_key_id: ref("aws_kms_key", "key/key", "arn"),
    });
  });

  describe("asynchronous invocations", () => {
    it("retry twice for up to 6 hours, then go to an encrypted 14-day on-failure queue, by default", () => {
      // Act
      const { synth, ref } = lambda();
      // Assess
      expect(synth).toHaveResourceWithProperties(LambdaFunctionEventInvokeConfig, {
        function_name: ref("aws_lambda_function", "fn/function", "function_name"),
        maximum_retry_attempts: 2,
        maximum_event_age_in_seconds: 21600,
        destination_config: { on_failure: { destination: ref("aws_sqs_queue", "fn/on_failure/queue", "arn") } },
      });
      expect(synth).toHaveResourceWithProperties(SqsQueue, {
        name: "test_function_failed_events",
        kms_master_key_id: ref("aws_kms_key", "key/key", "arn"),
        message_retention_seconds: 1209600,
      });
    });

    it("use the retries and event age given", () => {
      // Act
      const { synth } = lambda({ maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 });
      // Assess
      expect(synth).toHaveResourceWithProperties(LambdaFunctionEventInvokeConfig, {
        maximum_retry_attempts: 0,
        maximum_event_age_in_seconds: 60,
      });
    });

    it("have no queue, no destination and no send permission when createOnFailureQueue is false", () => {
      // Act
      const { json, resource, built, dataRef } = lambda({ createOnFailureQueue: false });
      // Assess
      expect(json.resource?.aws_sqs_queue).toBeUndefined();
      expect(json.resource?.aws_sqs_queue_policy).toBeUndefined();
      expect(resource("aws_lambda_function_event_invoke_config", "fn/async_invoke")).not.toHaveProperty("destination_config");
      expect(policyStatements(json, dataRef("aws_iam_policy_document", "fn/role/permissions", "json")).map((s) => s.sid)).not.toContain(
        "SendToDeadLetterQueue",
      );
      expect(built.onFailureQueue).toBeUndefined();
    });
  });

  describe("role", () => {
    it("is assumed by Lambda, named after the function, without a permissions boundary by default", () => {
      // Act
      const { synth, json, resource } = lambda();
      // Assess
      expect(synth).toHaveResourceWithProperties(IamRole, {
        name: "test_function",
        description: "Execution role of the test_function Lambda function",
      });
      const role = resource("aws_iam_role", "fn/role/role");
      expect(role).not.toHaveProperty("permissions_boundary");
      expect(policyStatements(json, role.assume_role_policy)).toEqual([
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
        },
      ]);
    });

    it("has the permissions boundary given", () => {
      // Act
      const { synth } = lambda({ permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary" });
      // Assess
      expect(synth).toHaveResourceWithProperties(IamRole, { permissions_boundary: "arn:aws:iam::123456789012:policy/boundary" });
    });

    it("may write its own log streams, use the key, send to its on-failure queue, trace, and do what the props add", () => {
      // Prepare
      const extra = {
        sid: "StartThisWorkflow",
        effect: "Allow",
        actions: ["glue:StartWorkflowRun"],
        resources: ["arn:aws:glue:eu-west-1:123456789012:workflow/etl"],
      };
      // Act
      const { json, ref, dataRef } = lambda({ policyStatements: [extra] });
      // Assess
      expect(policyStatements(json, dataRef("aws_iam_policy_document", "fn/role/permissions", "json"))).toEqual([
        {
          sid: "WriteOwnLogs",
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [
            `arn:aws:logs:eu-west-1:123456789012:log-group:${ref("aws_cloudwatch_log_group", "fn/logs/log_group", "name")}:log-stream:*`,
          ],
        },
        {
          sid: "UseEnvironmentKeyThroughServices",
          effect: "Allow",
          actions: ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
          resources: [ref("aws_kms_key", "key/key", "arn")],
          condition: [{ test: "StringEquals", variable: "kms:ViaService", values: VIA_SERVICES }],
        },
        {
          sid: "SendToDeadLetterQueue",
          effect: "Allow",
          actions: ["sqs:SendMessage"],
          resources: [ref("aws_sqs_queue", "fn/on_failure/queue", "arn")],
        },
        { sid: "XRayTracing", effect: "Allow", actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] },
        extra,
      ]);
    });

    it("may not trace, and passes trace headers through only, when enableTracing is false", () => {
      // Act
      const { synth, json, dataRef } = lambda({ enableTracing: false });
      // Assess
      expect(synth).toHaveResourceWithProperties(LambdaFunctionResource, { tracing_config: { mode: "PassThrough" } });
      expect(policyStatements(json, dataRef("aws_iam_policy_document", "fn/role/permissions", "json")).map((s) => s.sid)).toEqual([
        "WriteOwnLogs",
        "UseEnvironmentKeyThroughServices",
        "SendToDeadLetterQueue",
      ]);
    });
  });

  describe("allowInvocation", () => {
    it("lets the one source resource of a service invoke the function, checking the source account when given", () => {
      // Prepare
      let permission: LambdaPermission | undefined;
      const { synth, ref, built } = synthConstruct((scope) => {
        const fn = testFunction(scope, testKey(scope));
        // Act
        permission = fn.allowInvocation({
          statementId: "s3_object_created",
          principal: "s3.amazonaws.com",
          sourceArn: "arn:aws:s3:::raw",
          sourceAccount: "123456789012",
        });
        return fn;
      });
      // Assess
      expect(synth).toHaveResourceWithProperties(LambdaPermission, {
        statement_id: "s3_object_created",
        action: "lambda:InvokeFunction",
        function_name: ref("aws_lambda_function", "fn/function", "function_name"),
        principal: "s3.amazonaws.com",
        source_arn: "arn:aws:s3:::raw",
        source_account: "123456789012",
      });
      expect(permission?.node.id).toBe("allow_s3_object_created");
      expect(permission?.node.scope).toBe(built);
    });

    it("does not check the account when none is given", () => {
      // Prepare
      const { resource } = synthConstruct((scope) => {
        const fn = testFunction(scope, testKey(scope));
        // Act
        fn.allowInvocation({
          statementId: "schedule",
          principal: "events.amazonaws.com",
          sourceArn: "arn:aws:events:eu-west-1:123456789012:rule/schedule",
        });
      });
      // Assess
      expect(resource("aws_lambda_permission", "fn/allow_schedule")).not.toHaveProperty("source_account");
    });
  });

  it("exposes the function's ARN and name, the role and its ARN, the log group, the queue and the timeout (seed outputs)", () => {
    // Act
    const { built, resolve, ref } = lambda({ timeoutSeconds: 90 });
    // Assess
    expect(built.function).toBeInstanceOf(LambdaFunctionResource);
    expect(resolve(built.lambdaArn)).toBe(ref("aws_lambda_function", "fn/function", "arn"));
    expect(resolve(built.lambdaName)).toBe(ref("aws_lambda_function", "fn/function", "function_name"));
    expect(resolve(built.lambdaRoleArn)).toBe(ref("aws_iam_role", "fn/role/role", "arn"));
    expect(built.role).toBeInstanceOf(ServiceRole);
    expect(built.logGroup).toBeInstanceOf(EncryptedLogGroup);
    expect(resolve(built.onFailureQueue?.queueArn)).toBe(ref("aws_sqs_queue", "fn/on_failure/queue", "arn"));
    expect(built.timeoutSeconds).toBe(90);
  });

  it("exposes the default timeout of 60 s", () => {
    // Act
    const { built } = lambda();
    // Assess
    expect(built.timeoutSeconds).toBe(60);
  });

  describe("validation", () => {
    it.each<[string, Partial<LambdaFunctionProps>, string]>([
      [
        "a function name with a dot",
        { functionName: "trigger.glue" },
        '`functionName` must be 1 to 64 letters, digits, hyphens or underscores, got "trigger.glue".',
      ],
      [
        "a handler without an export",
        { handler: "index" },
        '`handler` must be of the form "<file>.<export>", e.g. "index.handler", got "index".',
      ],
      ["a timeout above 5 minutes", { timeoutSeconds: 301 }, "`timeoutSeconds` must be an integer between 1 and 300 seconds, got 301."],
      ["64 MB of memory", { memorySizeMb: 64 }, "`memorySizeMb` must be an integer between 128 and 10240 MB, got 64."],
      [
        "a negative reserved concurrency",
        { reservedConcurrency: -1 },
        "`reservedConcurrency` must be an integer between 0 and 1000, got -1.",
      ],
      ["three retries", { maximumRetryAttempts: 3 }, "`maximumRetryAttempts` must be an integer between 0 and 2, got 3."],
      [
        "an event age above 6 hours",
        { maximumEventAgeSeconds: 21601 },
        "`maximumEventAgeSeconds` must be an integer between 60 and 21600 seconds, got 21601.",
      ],
      [
        "the FATAL log level",
        { logLevel: "FATAL" as never },
        '`logLevel` must be one of "TRACE", "DEBUG", "INFO", "WARN", "ERROR", got "FATAL".',
      ],
    ])("rejects %s", (_, props, message) => {
      // Act
      const act = () => lambda(props);
      // Assess
      expect(act).toThrow(MetricCareValidationError);
      expect(act).toThrow(`LambdaFunction "fn": ${message}`);
    });

    it("skips unresolved tokens (per-workspace settings)", () => {
      // Act
      const { synth, built, resolve } = lambda({
        timeoutSeconds: Token.asNumber(ref("local.timeout")),
        memorySizeMb: Token.asNumber(ref("local.memory")),
        reservedConcurrency: Token.asNumber(ref("local.concurrency")),
        logLevel: Token.asString(ref("local.log_level")) as never,
      });
      // Assess
      expect(synth).toHaveResourceWithProperties(LambdaFunctionResource, {
        timeout: "${local.timeout}",
        memory_size: "${local.memory}",
        reserved_concurrent_executions: "${local.concurrency}",
        logging_config: expect.objectContaining({ application_log_level: "${local.log_level}" }),
      });
      expect(resolve(built.timeoutSeconds)).toBe("${local.timeout}");
    });
  });
});
