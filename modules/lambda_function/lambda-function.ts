import { LambdaFunction as LambdaFunctionResource } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { EncryptedLogGroup } from "../cloudwatch/log-group";
import type { CustomerManagedKey } from "../kms/customer-managed-key";
import type { DataLakeKey } from "../kms/kms-key";
import type { ContentAddressedObject } from "../s3/s3_object/content-addressed-object";
import type { AwsContext } from "../shared/aws-context";
import type { PolicyStatement } from "../shared/policy-document";
import { ServiceRole } from "../shared/service-role";
import { DeadLetterQueue } from "../sqs/dead-letter-queue";
import { validateLambdaFunctionProps, type LambdaLogLevel } from "./validate";

/** Props for {@link LambdaFunction}; the first group mirrors the seed module's variables. */
export interface LambdaFunctionProps {
  /** Where the function lives. */
  readonly aws: AwsContext;
  /** Name of the function (seed: `function_name`). */
  readonly functionName: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /**
   * Entry point, `<file>.<export>` (seed: `handler`).
   * @default "index.handler"
   */
  readonly handler?: string;
  /**
   * Lambda runtime (seed: `runtime`).
   * @default "nodejs22.x"
   */
  readonly runtime?: string;
  /** The deployment ZIP in S3 (seed: `s3_bucket` and `s3_key`), keyed by its content hash. */
  readonly code: ContentAddressedObject;
  /**
   * Environment variables (seed: `environment`); encrypted at rest with `kmsKey`.
   * @default {}
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Timeout in seconds (seed: `timeout`); at most 300, Glue does the long work.
   * @default 60
   */
  readonly timeoutSeconds?: number;
  /**
   * Memory in MB (seed: `memory_size`), 128 to 10240.
   * @default 256
   */
  readonly memorySizeMb?: number;
  /**
   * Tags on the function (seed: `tags`); the provider's default tags apply as well.
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;

  /**
   * Instruction set.
   * @default "arm64"
   */
  readonly architecture?: "arm64" | "x86_64";
  /** Key for logs and the on-failure queue (what the function handles may reach them). */
  readonly kmsKey: DataLakeKey;
  /**
   * Key for the environment variables. Whoever deploys or reads the function's configuration
   * decrypts them with their own credentials, and Lambda decrypts them at invocation through a grant
   * to the execution role (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html).
   * @default - `kmsKey`
   */
  readonly environmentKmsKey?: CustomerManagedKey;
  /** Days the function's log group keeps logs. */
  readonly logRetentionDays: number;
  /**
   * Level of application logs Lambda passes on (JSON log format).
   * @default "INFO"
   */
  readonly logLevel?: LambdaLogLevel;
  /**
   * Concurrent executions reserved for (and capped at) this function; 0 means unreserved. Lambda keeps part of
   * the account's concurrency unreserved, so accounts with a concurrency quota of 10 reject any reservation
   * ("below its minimum value of [10]"). A token passes through: -1 is Terraform's "unreserved".
   * @default - unreserved
   */
  readonly reservedConcurrency?: number;
  /**
   * Retries of a failed asynchronous invocation, 0 to 2.
   * @default 2
   */
  readonly maximumRetryAttempts?: number;
  /**
   * How long Lambda keeps trying an asynchronous event, in seconds (60 to 21600).
   * @default 21600
   */
  readonly maximumEventAgeSeconds?: number;
  /**
   * Create an SQS queue (encrypted, 14 days) that receives events whose asynchronous
   * invocations failed every retry.
   * @default true
   */
  readonly createOnFailureQueue?: boolean;
  /**
   * Active X-Ray tracing.
   * @default true
   */
  readonly enableTracing?: boolean;
  /** What the function may do besides logging, tracing and its own key: each statement names exact resources. */
  readonly policyStatements: PolicyStatement[];
  /**
   * Permissions boundary of the function's role.
   * @default - none
   */
  readonly permissionsBoundaryArn?: string;
}

/** Who may invoke the function. */
export interface InvokePermission {
  /** Statement id, unique per function. */
  readonly statementId: string;
  /** Service principal, e.g. `s3.amazonaws.com`. */
  readonly principal: string;
  /** The one resource (bucket, rule) allowed to invoke. */
  readonly sourceArn: string;
  /**
   * Account that owns the source; required for S3, whose ARNs carry no account.
   * @default - not checked (the source ARN already names the account)
   */
  readonly sourceAccount?: string;
}

/**
 * The seed's `lambda_function` module plus what a production function needs: a least-privilege
 * role, an encrypted log group with retention, JSON logs, X-Ray, reserved concurrency, KMS-encrypted
 * environment, asynchronous retries with an on-failure queue, and code pinned by content hash.
 */
export class LambdaFunction extends Construct {
  /** The function. */
  public readonly function: LambdaFunctionResource;
  /** ARN of the function (seed output `lambda_arn`). */
  public readonly lambdaArn: string;
  /** Name of the function (seed output `lambda_name`). */
  public readonly lambdaName: string;
  /** ARN of the execution role (seed output `lambda_role_arn`). */
  public readonly lambdaRoleArn: string;
  /** The execution role. */
  public readonly role: ServiceRole;
  /** The function's log group. */
  public readonly logGroup: EncryptedLogGroup;
  /** Queue of events whose asynchronous invocations failed, if created. */
  public readonly onFailureQueue?: DeadLetterQueue;
  /** The configured timeout, for alarms on duration. */
  public readonly timeoutSeconds: number;

  public constructor(scope: Construct, id: string, props: LambdaFunctionProps) {
    super(scope, id);
    const handler = props.handler ?? "index.handler";
    const runtime = props.runtime ?? "nodejs22.x";
    const timeoutSeconds = props.timeoutSeconds ?? 60;
    const memorySizeMb = props.memorySizeMb ?? 256;
    const architecture = props.architecture ?? "arm64";
    const logLevel = props.logLevel ?? "INFO";
    const reservedConcurrency = props.reservedConcurrency ?? 0;
    const maximumRetryAttempts = props.maximumRetryAttempts ?? 2;
    const maximumEventAgeSeconds = props.maximumEventAgeSeconds ?? 21600;
    const createOnFailureQueue = props.createOnFailureQueue ?? true;
    const enableTracing = props.enableTracing ?? true;
    validateLambdaFunctionProps(`LambdaFunction "${id}"`, {
      functionName: props.functionName,
      handler,
      timeoutSeconds,
      memorySizeMb,
      reservedConcurrency,
      maximumRetryAttempts,
      maximumEventAgeSeconds,
      logLevel,
    });

    this.timeoutSeconds = timeoutSeconds;
    this.logGroup = new EncryptedLogGroup(this, "logs", {
      aws: props.aws,
      logGroupName: `/aws/lambda/${props.functionName}`,
      kmsKey: props.kmsKey,
      retentionDays: props.logRetentionDays,
    });
    if (createOnFailureQueue) {
      this.onFailureQueue = new DeadLetterQueue(this, "on_failure", {
        aws: props.aws,
        queueName: `${props.functionName}_failed_events`,
        kmsKey: props.kmsKey,
      });
    }

    const statements: PolicyStatement[] = [
      {
        sid: "WriteOwnLogs",
        effect: "Allow",
        // No logs:CreateLogGroup: the log group exists before the function.
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [this.logGroup.logStreamsArn],
      },
      props.kmsKey.encryptDecryptStatement(),
      ...(this.onFailureQueue ? [this.onFailureQueue.sendStatement()] : []),
      ...(enableTracing
        ? [
            {
              sid: "XRayTracing",
              effect: "Allow",
              actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
              // X-Ray has no resource-level permissions for these actions: "*" is required.
              resources: ["*"],
            },
          ]
        : []),
      ...props.policyStatements,
    ];
    this.role = new ServiceRole(this, "role", {
      roleName: props.functionName,
      servicePrincipal: "lambda.amazonaws.com",
      description: `Execution role of the ${props.functionName} Lambda function`,
      statements,
      permissionsBoundaryArn: props.permissionsBoundaryArn,
    });

    this.function = new LambdaFunctionResource(this, "function", {
      functionName: props.functionName,
      description: props.description,
      handler,
      runtime,
      architectures: [architecture],
      s3Bucket: props.code.bucket.bucketName,
      s3Key: props.code.key,
      sourceCodeHash: props.code.contentHash.sha256Base64,
      role: this.role.roleArn,
      timeout: timeoutSeconds,
      memorySize: memorySizeMb,
      reservedConcurrentExecutions: Token.isUnresolved(reservedConcurrency) || reservedConcurrency > 0 ? reservedConcurrency : undefined,
      kmsKeyArn: (props.environmentKmsKey ?? props.kmsKey).keyArn,
      environment: { variables: { ...(props.environment ?? {}) } },
      tracingConfig: { mode: enableTracing ? "Active" : "PassThrough" },
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.logGroupName, applicationLogLevel: logLevel, systemLogLevel: "WARN" },
      tags: { ...(props.tags ?? {}) },
      // The role's policy must exist before the first invocation writes logs.
      dependsOn: [this.role.policy],
    });
    new LambdaFunctionEventInvokeConfig(this, "async_invoke", {
      functionName: this.function.functionName,
      maximumRetryAttempts,
      maximumEventAgeInSeconds: maximumEventAgeSeconds,
      destinationConfig: this.onFailureQueue ? { onFailure: { destination: this.onFailureQueue.queueArn } } : undefined,
    });

    this.lambdaArn = this.function.arn;
    this.lambdaName = this.function.functionName;
    this.lambdaRoleArn = this.role.roleArn;
  }

  /** Lets one AWS resource (a bucket, an EventBridge rule) invoke the function. */
  public allowInvocation(permission: InvokePermission): LambdaPermission {
    return new LambdaPermission(this, `allow_${permission.statementId}`, {
      statementId: permission.statementId,
      action: "lambda:InvokeFunction",
      functionName: this.function.functionName,
      principal: permission.principal,
      sourceArn: permission.sourceArn,
      sourceAccount: permission.sourceAccount,
    });
  }
}
