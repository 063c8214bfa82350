import { spawnSync } from "node:child_process";
import { metricCareConfig } from "../../config/metriccare.config";
import type { EnvironmentConfig, MetricCareConfig } from "../../config/types";
import { validateConfig, validateSelectedWorkspace } from "../../config/validate-config";
import { MetricCareValidationError } from "../../modules/shared/errors";
import { PROJECT_ROOT } from "../support/metriccare-stack";

const [dev, staging, prod] = metricCareConfig.environments as [EnvironmentConfig, EnvironmentConfig, EnvironmentConfig];

/** The configuration with the dev environment changed by `change`. */
function withDev(change: (env: EnvironmentConfig) => EnvironmentConfig): MetricCareConfig {
  return { ...metricCareConfig, environments: [change(dev), staging, prod] };
}

describe("validateConfig", () => {
  it("accepts the repository's configuration and returns it unchanged", () => {
    expect(validateConfig(metricCareConfig)).toBe(metricCareConfig);
  });

  it.each<[string, MetricCareConfig, string]>([
    [
      "a duplicate environment name",
      { ...metricCareConfig, environments: [dev, staging, { ...prod, name: "dev" }] },
      'Configuration: environment name "dev" is defined twice (environments[2]); each environment needs a unique name.',
    ],
    [
      "an environment name that cannot be a workspace, bucket and catalog name part",
      withDev((e) => ({ ...e, name: "Dev-1" })),
      'Configuration: `environments[0].name` must be 1 to 16 lowercase letters and digits, starting with a letter (it is a Terraform workspace and part of bucket and catalog names), got "Dev-1".',
    ],
    ["no environments", { ...metricCareConfig, environments: [] }, "Configuration: `environments` must define at least one environment."],
    [
      "a Lambda timeout above 300 s",
      withDev((e) => ({ ...e, lambda: { ...e.lambda, timeoutSeconds: 900 } })),
      'Configuration environment "dev": `lambda.timeoutSeconds` must be an integer between 1 and 300 seconds, got 900.',
    ],
    [
      "Lambda memory below 128 MB",
      withDev((e) => ({ ...e, lambda: { ...e.lambda, memorySizeMb: 64 } })),
      'Configuration environment "dev": `lambda.memorySizeMb` must be an integer between 128 and 10240 MB, got 64.',
    ],
    [
      "a cron expression with five fields",
      withDev((e) => ({ ...e, scheduleExpression: "cron(0 6 * * *)" })),
      'Configuration environment "dev": `scheduleExpression` must be a valid EventBridge schedule, "rate(<n> <minute|minutes|hour|hours|day|days>)" or "cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)", got "cron(0 6 * * *)": a cron expression has 6 fields, this one has 5.',
    ],
    [
      "a rate with the wrong unit number",
      withDev((e) => ({ ...e, scheduleExpression: "rate(5 minute)" })),
      'Configuration environment "dev": `scheduleExpression` must be a valid EventBridge schedule, "rate(<n> <minute|minutes|hour|hours|day|days>)" or "cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)", got "rate(5 minute)": a rate above 1 takes the plural unit "minutes".',
    ],
    [
      "a Glue worker type AWS does not offer",
      withDev((e) => ({ ...e, glue: { ...e.glue, workerType: "G.3X" as never } })),
      'Configuration environment "dev": `glue.workerType` must be one of "G.1X", "G.2X", "G.4X", "G.8X", "G.12X", "G.16X", "R.1X", "R.2X", "R.4X", "R.8X", got "G.3X".',
    ],
    [
      "a Glue version this project does not support",
      { ...metricCareConfig, glueVersion: "3.0" as never },
      'Configuration: `glueVersion` must be one of "4.0", "5.0", got "3.0".',
    ],
    [
      "a single Glue worker",
      withDev((e) => ({ ...e, glue: { ...e.glue, numberOfWorkers: 1 } })),
      'Configuration environment "dev": `glue.numberOfWorkers` must be an integer between 2 and 1000, got 1.',
    ],
    [
      "a project name that makes catalog names invalid",
      { ...metricCareConfig, projectName: "Metric-Care" },
      'Configuration: `projectName` must be 1 to 20 lowercase letters, digits and underscores, starting with a letter, got "Metric-Care".',
    ],
    [
      "a bucket-name prefix with uppercase letters",
      { ...metricCareConfig, bucketNamePrefix: "MetricCare" },
      'Configuration: `bucketNamePrefix` must be lowercase letters, digits and hyphens, starting and ending with a letter or digit (S3 bucket naming rules), got "MetricCare".',
    ],
    [
      "a bucket-name prefix S3 reserves",
      { ...metricCareConfig, bucketNamePrefix: "xn--metriccare" },
      'Configuration: `bucketNamePrefix` must not start with "xn--" (reserved by S3), got "xn--metriccare".',
    ],
    [
      "a bucket-name prefix too long for the longest bucket name",
      // "access-logs" (11) + "staging" (7) + account (12) + "us-east-1" (9) + 4 hyphens = 43, so 20 characters are left.
      { ...metricCareConfig, bucketNamePrefix: "metriccare-healthcare" },
      'Configuration: `bucketNamePrefix` "metriccare-healthcare" makes the access-logs bucket name of environment "staging" 64 characters long; S3 allows 63, so the prefix can have at most 20 characters here.',
    ],
    [
      "an invalid alert e-mail",
      withDev((e) => ({ ...e, alertEmails: ["data-platform@example.org", "oncall at example.org"] })),
      'Configuration environment "dev": `alertEmails[1]` must be an e-mail address such as data-platform@example.org, got "oncall at example.org".',
    ],
    [
      "a log retention CloudWatch does not accept",
      withDev((e) => ({ ...e, logRetentionDays: 10 })),
      'Configuration environment "dev": `logRetentionDays` must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 10.',
    ],
    [
      "lifecycle days out of order",
      withDev((e) => ({ ...e, lifecycle: { ...e.lifecycle, rawToInfrequentAccessDays: 60, rawToGlacierDays: 45 } })),
      'Configuration environment "dev": lifecycle days are out of order: `lifecycle.rawToGlacierDays` (GLACIER_IR) must be greater than `lifecycle.rawToInfrequentAccessDays` (60, STANDARD_IA), got 45.',
    ],
    [
      "an archive transition less than 30 days after Standard-IA",
      withDev((e) => ({ ...e, lifecycle: { ...e.lifecycle, rawToInfrequentAccessDays: 30, rawToGlacierDays: 45 } })),
      'Configuration environment "dev": `lifecycle.rawToGlacierDays` must be at least 60 (30 days after `lifecycle.rawToInfrequentAccessDays`, STANDARD_IA at day 30), got 45.',
    ],
    [
      "a Standard-IA transition before day 30",
      withDev((e) => ({ ...e, lifecycle: { ...e.lifecycle, rawToInfrequentAccessDays: 7 } })),
      'Configuration environment "dev": `lifecycle.rawToInfrequentAccessDays` must be at least 30 for STANDARD_IA (S3 keeps objects 30 days in Standard first), got 7.',
    ],
    [
      "an account id that is not 12 digits",
      withDev((e) => ({ ...e, allowedAccountIds: ["12345"] })),
      'Configuration environment "dev": `allowedAccountIds[0]` must be a 12-digit AWS account id, got "12345".',
    ],
  ])("rejects %s, naming the field, the value and what is allowed", (_, config, message) => {
    // Act
    const act = () => validateConfig(config);
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(message);
  });
});

describe("validateSelectedWorkspace", () => {
  it("accepts a configured workspace and an unset TF_WORKSPACE", () => {
    expect(() => validateSelectedWorkspace(metricCareConfig, "prod")).not.toThrow();
    expect(() => validateSelectedWorkspace(metricCareConfig, undefined)).not.toThrow();
  });

  it("rejects an unknown workspace and lists the configured ones", () => {
    expect(() => validateSelectedWorkspace(metricCareConfig, "qa")).toThrow(
      'Configuration: TF_WORKSPACE "qa" is not a configured environment; configured: "dev", "staging", "prod". Add it to config/metriccare.config.ts or pick one of these.',
    );
  });
});

describe("npm run synth with bad configuration", () => {
  it("fails with one readable paragraph and no stack trace", () => {
    // Act
    const result = spawnSync(process.execPath, ["scripts/run-ts.cjs", "main.ts"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TF_WORKSPACE: "qa", METRICCARE_DEBUG: "" },
      encoding: "utf8",
    });
    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim()).toBe(
      'Synth failed: invalid configuration. Configuration: TF_WORKSPACE "qa" is not a configured environment; configured: "dev", "staging", "prod". Add it to config/metriccare.config.ts or pick one of these.',
    );
  });
});
