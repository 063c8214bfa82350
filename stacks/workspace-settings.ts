import { conditional, Fn, ref, TerraformLocal, Token, type IResolvable, type Precondition } from "cdktf";
import { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/types";

/** One environment's settings as synthesized into `local.environments` (Terraform's snake_case). */
export interface WorkspaceValues {
  readonly allowed_account_ids: string[];
  readonly schedule_expression: string;
  readonly log_retention_days: number;
  readonly alert_emails: string[];
  readonly require_alert_subscription: boolean;
  readonly deployer_role_arns: string[];
  readonly key_data_access_role_arns: string[];
  readonly fhir_uploader_arns: string[];
  readonly auditor_role_arns: string[];
  readonly force_destroy: boolean;
  readonly raw_object_lock_days: number;
  readonly data_event_logging: boolean;
  readonly audit_log_retention_days: number;
  readonly deletion_protection: boolean;
  readonly manage_data_catalog_encryption: boolean;
  readonly processed_files_ttl_days: number;
  readonly lambda_memory_size_mb: number;
  readonly lambda_timeout_seconds: number;
  /** -1 (Terraform's default) when unreserved. */
  readonly lambda_reserved_concurrency: number;
  readonly lambda_max_consecutive_failed_runs: number;
  /** Seconds a run-end event waits for Glue to report the run over: a third of the timeout, at most 20. */
  readonly lambda_run_end_wait_seconds: number;
  readonly log_level: string;
  readonly glue_worker_type: string;
  readonly glue_number_of_workers: number;
  readonly glue_timeout_minutes: number;
  readonly glue_max_retries: number;
  readonly raw_to_infrequent_access_days: number;
  readonly raw_to_glacier_days: number;
  readonly noncurrent_version_expiration_days: number;
  readonly hudi_noncurrent_version_expiration_days: number;
  readonly abort_incomplete_multipart_upload_days: number;
  readonly access_log_expiration_days: number;
  readonly glue_temp_expiration_days: number;
  readonly athena_bytes_scanned_cutoff_per_query: number;
  readonly athena_results_expiration_days: number;
  readonly analyst_principal_arns: string[];
}

/** `reserved_concurrent_executions` of an unreserved function (the provider's default). */
export const UNRESERVED = -1;
/** Failed runs in a row before the trigger stops following up, unless configured. */
export const DEFAULT_MAX_CONSECUTIVE_FAILED_RUNS = 3;

/** Maps an environment's configuration to its entry of the locals map. */
export function toWorkspaceValues(env: EnvironmentConfig): WorkspaceValues {
  return {
    allowed_account_ids: [...(env.allowedAccountIds ?? [])],
    schedule_expression: env.scheduleExpression,
    log_retention_days: env.logRetentionDays,
    alert_emails: [...env.alertEmails],
    require_alert_subscription: env.requireAlertSubscription,
    deployer_role_arns: [...(env.deployerRoleArns ?? [])],
    key_data_access_role_arns: [...(env.keyDataAccessRoleArns ?? [])],
    fhir_uploader_arns: [...(env.fhirUploaderArns ?? [])],
    auditor_role_arns: [...(env.auditorRoleArns ?? [])],
    force_destroy: env.forceDestroy,
    raw_object_lock_days: env.rawObjectLockDays,
    data_event_logging: env.dataEventLogging,
    audit_log_retention_days: env.auditLogRetentionDays,
    deletion_protection: env.deletionProtection,
    manage_data_catalog_encryption: env.manageDataCatalogEncryption,
    processed_files_ttl_days: env.processedFilesTtlDays,
    lambda_memory_size_mb: env.lambda.memorySizeMb,
    lambda_timeout_seconds: env.lambda.timeoutSeconds,
    lambda_reserved_concurrency: (env.lambda.reservedConcurrency ?? 0) > 0 ? (env.lambda.reservedConcurrency ?? 0) : UNRESERVED,
    lambda_max_consecutive_failed_runs: env.lambda.maxConsecutiveFailedRuns ?? DEFAULT_MAX_CONSECUTIVE_FAILED_RUNS,
    lambda_run_end_wait_seconds: Math.min(20, Math.floor(env.lambda.timeoutSeconds / 3)),
    log_level: env.lambda.logLevel,
    glue_worker_type: env.glue.workerType,
    glue_number_of_workers: env.glue.numberOfWorkers,
    glue_timeout_minutes: env.glue.timeoutMinutes,
    glue_max_retries: env.glue.maxRetries,
    raw_to_infrequent_access_days: env.lifecycle.rawToInfrequentAccessDays,
    raw_to_glacier_days: env.lifecycle.rawToGlacierDays,
    noncurrent_version_expiration_days: env.lifecycle.noncurrentVersionExpirationDays,
    hudi_noncurrent_version_expiration_days: env.lifecycle.hudiNoncurrentVersionExpirationDays,
    abort_incomplete_multipart_upload_days: env.lifecycle.abortIncompleteMultipartUploadDays,
    access_log_expiration_days: env.lifecycle.accessLogExpirationDays,
    glue_temp_expiration_days: env.lifecycle.glueTempExpirationDays,
    // Athena counts the cutoff in bytes; the configuration in MB of 10^6 bytes (its 10 MB minimum is 10,000,000).
    athena_bytes_scanned_cutoff_per_query: env.athena.bytesScannedCutoffPerQueryMb * 1_000_000,
    athena_results_expiration_days: env.athena.resultsExpirationDays,
    analyst_principal_arns: [...(env.athena.analystPrincipalArns ?? [])],
  };
}

type KeysOfType<T, V> = { [K in keyof T]: T[K] extends V ? K : never }[keyof T];

/**
 * The workspace-selected environment. Synthesizes `local.environments` (every environment's
 * settings, keyed by name), `local.workspace` (`terraform.workspace`) and `local.environment`
 * (the selected entry), and offers {@link workspacePrecondition}, which fails `terraform plan`
 * with the list of configured workspaces when the current one (e.g. `default`) is not among them.
 */
export class WorkspaceSettings extends Construct {
  /** The environment name: `terraform.workspace`, as a token. */
  public readonly environmentName: string;
  /** Names of the configured environments. */
  public readonly configuredEnvironments: readonly string[];
  /**
   * Attach to the resource or data source Terraform reads first (the stack uses the caller
   * identity): plan then stops with this message in an unconfigured workspace.
   */
  public readonly workspacePrecondition: Precondition;

  public constructor(scope: Construct, id: string, environments: readonly EnvironmentConfig[]) {
    super(scope, id);
    const first = environments[0];
    if (first === undefined) throw new Error("WorkspaceSettings: at least one environment is required.");
    this.configuredEnvironments = environments.map((e) => e.name);

    const all = new TerraformLocal(this, "environments", Object.fromEntries(environments.map((e) => [e.name, toWorkspaceValues(e)])));
    all.overrideLogicalId("environments");
    // `ref` keeps terraform.workspace an expression; a "${terraform.workspace}" string passed into
    // Fn.* is escaped by cdktf.
    const workspace = new TerraformLocal(this, "workspace", ref("terraform.workspace"));
    workspace.overrideLogicalId("workspace");
    const configured = new TerraformLocal(this, "workspace_configured", Fn.contains(Fn.keys(all.asAnyMap), workspace.asString));
    configured.overrideLogicalId("workspace_configured");
    // An unconfigured workspace falls back to the first entry only so that the guard below is the
    // one error Terraform reports, instead of an "Invalid index" on every resource.
    const selected = new TerraformLocal(
      this,
      "environment",
      Fn.lookup(all.asAnyMap, Token.asString(conditional(configured.asBoolean, workspace.asString, first.name))),
    );
    selected.overrideLogicalId("environment");

    // A precondition rather than a terraform_data guard: cdktf makes terraform_data check the
    // Terraform binary's version at synth, and synth must work where Terraform is not installed.
    this.workspacePrecondition = {
      condition: configured.asBoolean,
      errorMessage: `Terraform workspace "\${terraform.workspace}" is not a configured MetricCare environment. Configured workspaces: ${this.configuredEnvironments.join(", ")}. Run "terraform workspace select <name>" (or set TF_WORKSPACE) with one of them, or add the environment to config/metriccare.config.ts.`,
    };
    this.environmentName = workspace.asString;
  }

  /** A numeric setting of the selected environment. */
  public number(key: KeysOfType<WorkspaceValues, number>): number {
    return Token.asNumber(this.reference(key));
  }

  /** A string setting of the selected environment; numbers convert (e.g. for Glue job arguments). */
  public string(key: KeysOfType<WorkspaceValues, string | number>): string {
    return Token.asString(this.reference(key));
  }

  /** A list setting of the selected environment. */
  public list(key: KeysOfType<WorkspaceValues, string[]>): string[] {
    return Token.asList(this.reference(key));
  }

  /** A boolean setting of the selected environment. */
  public flag(key: KeysOfType<WorkspaceValues, boolean>): IResolvable {
    return this.reference(key);
  }

  private reference(key: keyof WorkspaceValues): IResolvable {
    return ref(`local.environment.${key}`);
  }
}
