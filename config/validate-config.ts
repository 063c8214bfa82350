import { IAM_PRINCIPAL_ARN_PATTERN, validateAthenaSettings } from "../modules/athena/validate";
import { EMAIL_PATTERN } from "../modules/aws_sns/alerts-topic";
import { LOG_RETENTION_DAYS } from "../modules/cloudwatch/log-group";
import { validateQualitySettings } from "../modules/cloudwatch/data-quality-alarms";
import { validateScheduleExpression } from "../modules/event_bridge/schedule-expression";
import { CATALOG_NAME_PATTERN, CATALOG_NAME_RULE } from "../modules/glue/glue_catalog_database/glue-catalog-database";
import { validateGlueJobSettings } from "../modules/glue/glue_job/validate";
import { validateLambdaFunctionProps } from "../modules/lambda_function/validate";
import { validateBucketNamePrefix } from "../modules/s3/s3_bucket/bucket-name";
import { validateLifecycleTransitions } from "../modules/s3/s3_bucket/lifecycle";
import { MetricCareValidationError } from "../modules/shared/errors";
import { validateIntegerRange, validateOneOf, validatePattern } from "../modules/shared/validation";
import { BUCKET_PURPOSES, catalogDatabaseName, LAKEHOUSE_LAYERS } from "../modules/shared/names";
import * as v from "valibot";
import { METRICCARE_CONFIG_SCHEMA } from "./schema";
import { describeIssues } from "./schema-issues";
import type { EnvironmentConfig, MetricCareConfig } from "./types";

const OWNER = "Configuration";
const ENVIRONMENT_NAME = /^[a-z][a-z0-9]{0,15}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/**
 * Checks the whole configuration before anything is synthesized, for every environment (in the
 * stack, per-environment values are Terraform expressions that constructs cannot check): first its
 * shape against the schema (types, required settings, unknown keys; every issue at once), then
 * ranges, patterns and rules across settings. Throws {@link MetricCareValidationError} naming the
 * environment, the field, the value and what is allowed.
 */
export function validateConfig(input: unknown): MetricCareConfig {
  const parsed = v.safeParse(METRICCARE_CONFIG_SCHEMA, input, { abortEarly: false });
  if (!parsed.success) {
    const sentences = describeIssues(METRICCARE_CONFIG_SCHEMA, input, parsed.issues);
    throw MetricCareValidationError.ofMessage(
      sentences.length === 1 ? (sentences[0] ?? "") : `Configuration: ${sentences.length} settings are wrong. ${sentences.join(" ")}`,
    );
  }
  // valibot's copy: every optional setting the file leaves out has the schema's default.
  const config = parsed.output;
  validatePattern(
    OWNER,
    "projectName",
    config.projectName,
    /^[a-z][a-z0-9_]{0,19}$/,
    "1 to 20 lowercase letters, digits and underscores, starting with a letter",
  );
  validatePattern(OWNER, "awsRegion", config.awsRegion, REGION, 'an AWS region name such as "us-east-1"');
  validateGlueJobSettings(OWNER, { glueVersion: config.glueVersion });
  validatePattern(
    OWNER,
    "fhir.prefix",
    config.fhir.prefix,
    /^(?:[^/\s][^\s]*\/)?$/,
    'a key prefix ending in "/" (or "" for the whole bucket)',
  );
  if (config.fhir.suffixes.length === 0)
    throw new MetricCareValidationError(OWNER, '`fhir.suffixes` must list at least one suffix, e.g. ".json".');
  config.fhir.suffixes.forEach((suffix, i) =>
    validatePattern(OWNER, `fhir.suffixes[${i}]`, suffix, /^\.[A-Za-z0-9.]+$/, 'a file suffix such as ".json"'),
  );
  if (config.permissionsBoundaryArn !== undefined) {
    validatePattern(
      OWNER,
      "permissionsBoundaryArn",
      config.permissionsBoundaryArn,
      /^arn:aws[a-z-]*:iam::\d{12}:policy\/.+$/,
      "an IAM policy ARN",
    );
  }

  if (config.environments.length === 0) throw new MetricCareValidationError(OWNER, "`environments` must define at least one environment.");
  const seen = new Set<string>();
  for (const [index, environment] of config.environments.entries()) {
    validatePattern(
      OWNER,
      `environments[${index}].name`,
      environment.name,
      ENVIRONMENT_NAME,
      "1 to 16 lowercase letters and digits, starting with a letter (it is a Terraform workspace and part of bucket and catalog names)",
    );
    if (seen.has(environment.name)) {
      throw new MetricCareValidationError(
        OWNER,
        `environment name "${environment.name}" is defined twice (environments[${index}]); each environment needs a unique name.`,
      );
    }
    seen.add(environment.name);
  }
  const names = config.environments.map((e) => e.name);
  const purposes = Object.values(BUCKET_PURPOSES).filter((p) => config.createDataEventTrail || p !== BUCKET_PURPOSES.cloudtrail);
  validateBucketNamePrefix(OWNER, "bucketNamePrefix", config.bucketNamePrefix, { purposes, environments: names, region: config.awsRegion });
  for (const [index, environment] of config.environments.entries()) validateEnvironment(config, environment, index);
  validateCatalogEncryption(config);
  return config;
}

function validateEnvironment(config: MetricCareConfig, env: EnvironmentConfig, index: number): void {
  const owner = `${OWNER} environments[${index}] (${env.name})`;
  for (const layer of LAKEHOUSE_LAYERS) {
    validatePattern(
      owner,
      `catalog database name (projectName "${config.projectName}", layer "${layer}")`,
      catalogDatabaseName(config.projectName, layer, env.name),
      CATALOG_NAME_PATTERN,
      CATALOG_NAME_RULE,
    );
  }
  (env.allowedAccountIds ?? []).forEach((id, i) =>
    validatePattern(owner, `allowedAccountIds[${i}]`, id, /^\d{12}$/, "a 12-digit AWS account id"),
  );
  for (const setting of ["deployerRoleArns", "keyDataAccessRoleArns"] as const) {
    (env[setting] ?? []).forEach((roleArn, i) =>
      validatePattern(owner, `${setting}[${i}]`, roleArn, ROLE_ARN, 'an IAM role ARN such as "arn:aws:iam::123456789012:role/ci-deployer"'),
    );
  }
  for (const setting of ["fhirUploaderArns", "auditorRoleArns"] as const) {
    (env[setting] ?? []).forEach((principal, i) =>
      validatePattern(
        owner,
        `${setting}[${i}]`,
        principal,
        IAM_PRINCIPAL_ARN_PATTERN,
        'an IAM role or user ARN such as "arn:aws:iam::123456789012:role/fhir-feed"',
      ),
    );
  }
  validateIntegerRange(owner, "rawObjectLockDays", env.rawObjectLockDays, 1, 3650, "days");
  validateIntegerRange(owner, "auditLogRetentionDays", env.auditLogRetentionDays, 1, 3650, "days");
  if (env.lifecycle.noncurrentVersionExpirationDays < env.rawObjectLockDays) {
    throw new MetricCareValidationError(
      owner,
      `\`lifecycle.noncurrentVersionExpirationDays\` (${env.lifecycle.noncurrentVersionExpirationDays}) must be at least \`rawObjectLockDays\` (${env.rawObjectLockDays}): a replaced or deleted raw file must stay recoverable for as long as Object Lock protects it.`,
    );
  }
  validateScheduleExpression(owner, "scheduleExpression", env.scheduleExpression);
  validateOneOf<number>(owner, "logRetentionDays", env.logRetentionDays, LOG_RETENTION_DAYS);
  env.alertEmails.forEach((address, i) =>
    validatePattern(owner, `alertEmails[${i}]`, address, EMAIL_PATTERN, "an e-mail address such as data-platform@example.org"),
  );
  validateIntegerRange(owner, "processedFilesTtlDays", env.processedFilesTtlDays, 1, 3650, "days");
  validateLambdaFunctionProps(owner, env.lambda, "lambda.");
  validateIntegerRange(owner, "lambda.maxConsecutiveFailedRuns", env.lambda.maxConsecutiveFailedRuns, 1, 100);
  validateGlueJobSettings(owner, env.glue, "glue.");
  validateAthenaSettings(owner, env.athena, "athena.");
  validateQualitySettings(owner, env.quality, "quality.");
  if (env.quality.maxHoursWithoutNewFiles > env.processedFilesTtlDays * 24) {
    throw new MetricCareValidationError(
      owner,
      `\`quality.maxHoursWithoutNewFiles\` (${env.quality.maxHoursWithoutNewFiles}) must be at most \`processedFilesTtlDays\` × 24 (${env.processedFilesTtlDays * 24}): the freshness check finds the newest file in the processed-files table, whose items expire after that many days.`,
    );
  }

  const lifecycle = env.lifecycle;
  validateIntegerRange(owner, "lifecycle.noncurrentVersionExpirationDays", lifecycle.noncurrentVersionExpirationDays, 1, 3650, "days");
  validateIntegerRange(owner, "lifecycle.abortIncompleteMultipartUploadDays", lifecycle.abortIncompleteMultipartUploadDays, 1, 365, "days");
  validateIntegerRange(owner, "lifecycle.accessLogExpirationDays", lifecycle.accessLogExpirationDays, 1, 3650, "days");
  validateIntegerRange(owner, "lifecycle.glueTempExpirationDays", lifecycle.glueTempExpirationDays, 1, 365, "days");
  validateLifecycleTransitions(owner, [
    { days: lifecycle.rawToInfrequentAccessDays, storageClass: "STANDARD_IA", setting: "lifecycle.rawToInfrequentAccessDays" },
    { days: lifecycle.rawToGlacierDays, storageClass: "GLACIER_IR", setting: "lifecycle.rawToGlacierDays" },
  ]);
}

/**
 * Data Catalog encryption is one setting per account and region: a workspace that turns it on with
 * its key locks out every other environment in the same account (their roles hold only their own
 * key). Managing it is refused unless every environment names its own accounts.
 */
function validateCatalogEncryption(config: MetricCareConfig): void {
  const managing = config.environments.findIndex((e) => e.manageDataCatalogEncryption);
  if (managing < 0 || config.environments.length === 1) return;
  const owner = `${OWNER} environments[${managing}] (${config.environments[managing]?.name ?? ""})`;
  const seen = new Map<string, string>();
  for (const env of config.environments) {
    const ids = env.allowedAccountIds ?? [];
    if (ids.length === 0) {
      throw new MetricCareValidationError(
        owner,
        `\`manageDataCatalogEncryption\` is true, but environment "${env.name}" has no \`allowedAccountIds\`, so it may share the account: the catalog setting is per account and region, and encrypting it with this environment's key would lock the other environments' Glue jobs out of the catalog. Give every environment its own \`allowedAccountIds\`, or set \`manageDataCatalogEncryption\` to false.`,
      );
    }
    for (const id of ids) {
      const other = seen.get(id);
      if (other !== undefined && other !== env.name) {
        throw new MetricCareValidationError(
          owner,
          `\`manageDataCatalogEncryption\` is true, but environments "${other}" and "${env.name}" share account ${id} in \`allowedAccountIds\`: the catalog setting is per account and region. Give each environment its own account, or set \`manageDataCatalogEncryption\` to false.`,
        );
      }
      seen.set(id, env.name);
    }
  }
}

/**
 * `TF_WORKSPACE` selects the environment for `cdktf deploy`: fail early, with the list, when it
 * names none of them (Terraform's own precondition catches `terraform workspace select` too).
 */
export function validateSelectedWorkspace(
  config: {
    readonly environments: readonly {
      readonly name: string;
      readonly requireAlertSubscription: boolean;
      readonly alertEmails: readonly string[];
    }[];
  },
  workspace: string | undefined,
): void {
  if (workspace === undefined || workspace === "") return;
  const names = config.environments.map((e) => e.name);
  if (!names.includes(workspace)) {
    throw new MetricCareValidationError(
      OWNER,
      `TF_WORKSPACE "${workspace}" is not a configured environment; configured: ${names.map((n) => `"${n}"`).join(", ")}. Add it to config/metriccare.config.ts or pick one of these.`,
    );
  }
  const selected = config.environments.find((e) => e.name === workspace);
  if (selected?.requireAlertSubscription && selected.alertEmails.length === 0) throw alertSubscriptionMissing(selected.name);
}

/** The error for a workspace that requires an alert subscription and has none (synth and plan say the same). */
export function alertSubscriptionMissing(environment: string): MetricCareValidationError {
  return new MetricCareValidationError(`${OWNER} environment "${environment}"`, alertSubscriptionMessage(environment));
}

/** The words of {@link alertSubscriptionMissing}, also the Terraform precondition's message. */
export function alertSubscriptionMessage(environment: string): string {
  return `\`requireAlertSubscription\` is true but \`alertEmails\` is empty: failed ETL runs in ${environment} would alert nobody. Add at least one address to alertEmails in config/metriccare.config.ts (each must confirm the subscription mail).`;
}
