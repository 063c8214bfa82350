import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { metricCareConfig } from "../../config/metriccare.config";
import type { EnvironmentConfigInput, MetricCareConfigInput } from "../../config/types";
import { validateConfig, validateSelectedWorkspace } from "../../config/validate-config";
import { MetricCareValidationError } from "../../modules/shared/errors";
import { threeEnvironmentConfig } from "../support/config-fixtures";
import { PROJECT_ROOT } from "../support/metriccare-stack";
import { cleanClone, runSynth } from "../support/project-clone";

const config = threeEnvironmentConfig();
const [dev, staging, prod] = config.environments as [EnvironmentConfigInput, EnvironmentConfigInput, EnvironmentConfigInput];

/** The configuration with the dev environment changed by `change`. */
function withDev(change: (env: EnvironmentConfigInput) => EnvironmentConfigInput): MetricCareConfigInput {
  return { ...config, environments: [change(dev), staging, prod] };
}

describe("validateConfig", () => {
  it("accepts a valid configuration and returns it with the schema's default for every optional setting left out", () => {
    // Prepare: the test configuration leaves out the optional lists, dev's and prod's Lambda leave out reservedConcurrency
    // and dev's maxConsecutiveFailedRuns; staging and prod set both.
    const lists = { allowedAccountIds: [], deployerRoleArns: [], fhirUploaderArns: [], auditorRoleArns: [], keyDataAccessRoleArns: [] };
    // Act
    const validated = validateConfig(config);
    // Assess
    expect(validated.environments.map((e) => [e.name, e.lambda.reservedConcurrency, e.lambda.maxConsecutiveFailedRuns])).toEqual([
      ["dev", 0, 3],
      ["staging", 3, 4],
      ["prod", 5, 2],
    ]);
    expect(validated.environments[0]).toEqual({
      ...dev,
      ...lists,
      lambda: { ...dev.lambda, reservedConcurrency: 0, maxConsecutiveFailedRuns: 3 },
      athena: { ...dev.athena, analystPrincipalArns: [] },
      // The schema's defaults (config/schema.ts): the test configuration's dev has no quality section.
      quality: { maxQuarantinePercent: 5, maxFileWaitMinutes: 120, maxGoldLagMinutes: 240, maxHoursWithoutNewFiles: 0 },
    });
    expect(validated.environments[2]?.athena.analystPrincipalArns).toEqual(prod.athena.analystPrincipalArns);
  });

  it("runs the jobs on Glue 5.1 when the configuration names no Glue version", () => {
    // Prepare
    const { glueVersion: _ignored, ...withoutVersion } = config;
    // Act
    const validated = validateConfig(withoutVersion);
    // Assess
    expect(validated.glueVersion).toBe("5.1");
    expect(validated.environments).toEqual(validateConfig(config).environments);
  });

  it.each<[string, MetricCareConfigInput, string]>([
    [
      "a duplicate environment name",
      { ...config, environments: [dev, staging, { ...prod, name: "dev" }] },
      'Configuration: environment name "dev" is defined twice (environments[2]); each environment needs a unique name.',
    ],
    [
      "an environment name that cannot be a workspace, bucket and catalog name part",
      withDev((e) => ({ ...e, name: "Dev-1" })),
      'Configuration: `environments[0].name` must be 1 to 16 lowercase letters and digits, starting with a letter (it is a Terraform workspace and part of bucket and catalog names), got "Dev-1".',
    ],
    ["no environments", { ...config, environments: [] }, "Configuration: `environments` must define at least one environment."],
    [
      "a Lambda timeout above 300 s",
      withDev((e) => ({ ...e, lambda: { ...e.lambda, timeoutSeconds: 900 } })),
      "Configuration environments[0] (dev): `lambda.timeoutSeconds` must be an integer between 1 and 300 seconds, got 900.",
    ],
    [
      "Lambda memory below 128 MB",
      withDev((e) => ({ ...e, lambda: { ...e.lambda, memorySizeMb: 64 } })),
      "Configuration environments[0] (dev): `lambda.memorySizeMb` must be an integer between 128 and 10240 MB, got 64.",
    ],
    [
      "no follow-up limit (0 failed runs)",
      withDev((e) => ({ ...e, lambda: { ...e.lambda, maxConsecutiveFailedRuns: 0 } })),
      "Configuration environments[0] (dev): `lambda.maxConsecutiveFailedRuns` must be an integer between 1 and 100, got 0.",
    ],
    [
      "a negative reserved concurrency",
      withDev((e) => ({ ...e, lambda: { ...e.lambda, reservedConcurrency: -1 } })),
      "Configuration environments[0] (dev): `lambda.reservedConcurrency` must be an integer between 0 and 1000, got -1.",
    ],
    [
      "a cron expression with five fields",
      withDev((e) => ({ ...e, scheduleExpression: "cron(0 6 * * *)" })),
      'Configuration environments[0] (dev): `scheduleExpression` must be a valid EventBridge schedule, "rate(<n> <minute|minutes|hour|hours|day|days>)" or "cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)", got "cron(0 6 * * *)": a cron expression has 6 fields, this one has 5.',
    ],
    [
      "a rate with the wrong unit number",
      withDev((e) => ({ ...e, scheduleExpression: "rate(5 minute)" })),
      'Configuration environments[0] (dev): `scheduleExpression` must be a valid EventBridge schedule, "rate(<n> <minute|minutes|hour|hours|day|days>)" or "cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)", got "rate(5 minute)": a rate above 1 takes the plural unit "minutes".',
    ],
    [
      "a Glue worker type AWS does not offer",
      withDev((e) => ({ ...e, glue: { ...e.glue, workerType: "G.3X" as never } })),
      'Configuration environments[0] (dev): `glue.workerType` must be one of "G.1X", "G.2X", "G.4X", "G.8X", "G.12X", "G.16X", "R.1X", "R.2X", "R.4X", "R.8X", got "G.3X".',
    ],
    [
      "a Glue version this project does not support",
      { ...config, glueVersion: "3.0" as never },
      'Configuration: `glueVersion` must be one of "5.1", got "3.0".',
    ],
    [
      "a single Glue worker",
      withDev((e) => ({ ...e, glue: { ...e.glue, numberOfWorkers: 1 } })),
      "Configuration environments[0] (dev): `glue.numberOfWorkers` must be an integer between 2 and 1000, got 1.",
    ],
    [
      "a project name that makes catalog names invalid",
      { ...config, projectName: "Metric-Care" },
      'Configuration: `projectName` must be 1 to 20 lowercase letters, digits and underscores, starting with a letter, got "Metric-Care".',
    ],
    [
      "a bucket-name prefix with uppercase letters",
      { ...config, bucketNamePrefix: "MetricCare" },
      'Configuration: `bucketNamePrefix` must be lowercase letters, digits and hyphens, starting and ending with a letter or digit (S3 bucket naming rules), got "MetricCare".',
    ],
    [
      "a bucket-name prefix S3 reserves",
      { ...config, bucketNamePrefix: "xn--metriccare" },
      'Configuration: `bucketNamePrefix` must not start with "xn--" (reserved by S3), got "xn--metriccare".',
    ],
    [
      "a bucket-name prefix too long for the longest bucket name",
      // The longest name: "access-logs" (11) + "staging" (7) + account (12) + "eu-central-1" (12) + 4 hyphens = 46,
      // so 17 characters are left for the prefix; 18 makes 64.
      { ...config, bucketNamePrefix: "metriccare-health" + "x" },
      'Configuration: `bucketNamePrefix` "metriccare-healthx" (18 characters) makes the access-logs bucket name of environment "staging", the longest of the 12 bucket names, 64 characters long; S3 allows 63, so the prefix can have at most 17 characters.',
    ],
    [
      "a 70-character bucket-name prefix, stating the real limit at once",
      { ...config, bucketNamePrefix: "m".repeat(70) },
      `Configuration: \`bucketNamePrefix\` "${"m".repeat(70)}" (70 characters) makes the access-logs bucket name of environment "staging", the longest of the 12 bucket names, 116 characters long; S3 allows 63, so the prefix can have at most 17 characters.`,
    ],
    [
      "an invalid alert e-mail",
      withDev((e) => ({ ...e, alertEmails: ["data-platform@example.org", "oncall at example.org"] })),
      'Configuration environments[0] (dev): `alertEmails[1]` must be an e-mail address such as data-platform@example.org, got "oncall at example.org".',
    ],
    [
      "a log retention CloudWatch does not accept",
      withDev((e) => ({ ...e, logRetentionDays: 10 })),
      "Configuration environments[0] (dev): `logRetentionDays` must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 10.",
    ],
    [
      "lifecycle days out of order",
      withDev((e) => ({ ...e, lifecycle: { ...e.lifecycle, rawToInfrequentAccessDays: 60, rawToGlacierDays: 45 } })),
      "Configuration environments[0] (dev): lifecycle days are out of order: `lifecycle.rawToGlacierDays` (GLACIER_IR) must be greater than `lifecycle.rawToInfrequentAccessDays` (60, STANDARD_IA), got 45.",
    ],
    [
      "an archive transition less than 30 days after Standard-IA",
      withDev((e) => ({ ...e, lifecycle: { ...e.lifecycle, rawToInfrequentAccessDays: 30, rawToGlacierDays: 45 } })),
      "Configuration environments[0] (dev): `lifecycle.rawToGlacierDays` must be at least 60 (30 days after `lifecycle.rawToInfrequentAccessDays`, STANDARD_IA at day 30), got 45.",
    ],
    [
      "a Standard-IA transition before day 30",
      withDev((e) => ({ ...e, lifecycle: { ...e.lifecycle, rawToInfrequentAccessDays: 7 } })),
      "Configuration environments[0] (dev): `lifecycle.rawToInfrequentAccessDays` must be at least 30 for STANDARD_IA (S3 keeps objects 30 days in Standard first), got 7.",
    ],
    [
      "an account id that is not 12 digits",
      withDev((e) => ({ ...e, allowedAccountIds: ["12345"] })),
      'Configuration environments[0] (dev): `allowedAccountIds[0]` must be a 12-digit AWS account id, got "12345".',
    ],
    [
      "an Athena scan cutoff below Athena's 10 MB minimum",
      withDev((e) => ({ ...e, athena: { ...e.athena, bytesScannedCutoffPerQueryMb: 5 } })),
      "Configuration environments[0] (dev): `athena.bytesScannedCutoffPerQueryMb` must be an integer between 10 and 1000000000 MB, got 5.",
    ],
    [
      "an Athena scan cutoff given in bytes instead of MB",
      withDev((e) => ({ ...e, athena: { ...e.athena, bytesScannedCutoffPerQueryMb: 10_000_000_000 } })),
      "Configuration environments[0] (dev): `athena.bytesScannedCutoffPerQueryMb` must be an integer between 10 and 1000000000 MB, got 10000000000.",
    ],
    [
      "Athena results kept for 0 days",
      withDev((e) => ({ ...e, athena: { ...e.athena, resultsExpirationDays: 0 } })),
      "Configuration environments[0] (dev): `athena.resultsExpirationDays` must be an integer between 1 and 3650 days, got 0.",
    ],
    [
      "an analyst principal that is not a role or user ARN",
      withDev((e) => ({ ...e, athena: { ...e.athena, analystPrincipalArns: ["arn:aws:iam::123456789012:group/analysts"] } })),
      'Configuration environments[0] (dev): `athena.analystPrincipalArns[0]` must be an IAM role or user ARN such as arn:aws:iam::123456789012:role/powerbi-gateway, got "arn:aws:iam::123456789012:group/analysts".',
    ],
  ])("rejects %s, naming the field, the value and what is allowed", (_, config, message) => {
    // Act
    const act = () => validateConfig(config);
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(message);
  });
});

describe("validateConfig on the configuration's shape (schema)", () => {
  /** The configuration as a user might have edited it, outside what its types allow. */
  function edited(change: (raw: Record<string, unknown> & { environments: Record<string, unknown>[] }) => void): unknown {
    const raw = structuredClone(config) as unknown as Record<string, unknown> & { environments: Record<string, unknown>[] };
    change(raw);
    return raw;
  }

  it.each<[string, unknown, string]>([
    [
      "a boolean written as text",
      edited((raw) => (raw.environments[2].deletionProtection = "yes")),
      'Configuration environments[2] (prod): `deletionProtection` must be true or false, got "yes".',
    ],
    [
      "a missing required setting",
      edited((raw) => delete raw.environments[0].processedFilesTtlDays),
      "Configuration environments[0] (dev): `processedFilesTtlDays` is required (days a processed file's record stays in the processed-files table); it is missing.",
    ],
    [
      "a misspelt setting name, with the closest known one",
      edited((raw) => {
        raw.environments[0].deletionProtecton = true;
      }),
      "Configuration environments[0] (dev): unknown setting `deletionProtecton`; did you mean `deletionProtection`?",
    ],
    [
      "an unknown setting far from every known one, with the allowed ones",
      edited((raw) => ((raw.fhir as Record<string, unknown>).bucket = "raw")),
      "Configuration: unknown setting `fhir.bucket`; allowed here: `prefix`, `suffixes`.",
    ],
    [
      "a number written as text, nested",
      edited((raw) => ((raw.environments[1].lambda as Record<string, unknown>).timeoutSeconds = "60")),
      'Configuration environments[1] (staging): `lambda.timeoutSeconds` must be a number, got "60".',
    ],
    [
      "a list written as one text",
      edited((raw) => (raw.fhir = { prefix: "fhir/", suffixes: ".json" })),
      'Configuration: `fhir.suffixes` must be a list ([...]), got ".json".',
    ],
    [
      "a wrong list element",
      edited((raw) => (raw.environments[0].alertEmails = ["a@example.org", 42])),
      "Configuration environments[0] (dev): `alertEmails[1]` must be a text in quotes, got 42.",
    ],
    [
      "a value outside a fixed list",
      edited((raw) => ((raw.environments[2].glue as Record<string, unknown>).workerType = "G.3X")),
      'Configuration environments[2] (prod): `glue.workerType` must be one of "G.1X", "G.2X", "G.4X", "G.8X", "G.12X", "G.16X", "R.1X", "R.2X", "R.4X", "R.8X", got "G.3X".',
    ],
    [
      // The typo `alertEmail` used to crash synth with "Cannot read properties of undefined (reading 'forEach')".
      "a misspelt required list: both the unknown name and the missing setting, in one paragraph",
      edited((raw) => {
        raw.environments[1].alertEmail = raw.environments[1].alertEmails;
        delete raw.environments[1].alertEmails;
      }),
      "Configuration: 2 settings are wrong. Configuration environments[1] (staging): `alertEmails` is required (addresses subscribed to the alerts topic); it is missing. Configuration environments[1] (staging): unknown setting `alertEmail`; did you mean `alertEmails`?",
    ],
  ])("rejects %s, naming the place, the value and what is allowed", (_, input, message) => {
    // Act
    const act = () => validateConfig(input);
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(message);
  });
});

describe("validateConfig on the security settings", () => {
  const accounts = (ids: Record<string, string[]>): MetricCareConfigInput => ({
    ...config,
    environments: config.environments.map((e) => ({
      ...e,
      allowedAccountIds: ids[e.name],
      manageDataCatalogEncryption: e.name === "prod",
    })),
  });

  it("refuses to manage the account-wide catalog encryption when an environment names no account (it may share prod's)", () => {
    // Act
    const act = () => validateConfig(accounts({ prod: ["333333333333"] }));
    // Assess
    expect(act).toThrow(
      "Configuration environments[2] (prod): `manageDataCatalogEncryption` is true, but environment \"dev\" has no `allowedAccountIds`, so it may share the account: the catalog setting is per account and region, and encrypting it with this environment's key would lock the other environments' Glue jobs out of the catalog. Give every environment its own `allowedAccountIds`, or set `manageDataCatalogEncryption` to false.",
    );
  });

  it("refuses it when two environments share an account", () => {
    // Act
    const act = () => validateConfig(accounts({ dev: ["111111111111"], staging: ["111111111111"], prod: ["333333333333"] }));
    // Assess
    expect(act).toThrow(
      'Configuration environments[2] (prod): `manageDataCatalogEncryption` is true, but environments "dev" and "staging" share account 111111111111 in `allowedAccountIds`: the catalog setting is per account and region. Give each environment its own account, or set `manageDataCatalogEncryption` to false.',
    );
  });

  it("accepts it when every environment has its own account", () => {
    // Prepare
    const distinct = accounts({ dev: ["111111111111"], staging: ["222222222222"], prod: ["333333333333"] });
    // Act / Assess
    expect(validateConfig(distinct).environments.map((e) => e.allowedAccountIds)).toEqual([
      ["111111111111"],
      ["222222222222"],
      ["333333333333"],
    ]);
  });

  const quality = (change: Record<string, number>) =>
    withDev((e) => ({ ...e, quality: { maxQuarantinePercent: 5, maxFileWaitMinutes: 120, maxGoldLagMinutes: 240, ...change } }));
  it.each<[string, Record<string, number>, string]>([
    ["a quarantine share of 0", { maxQuarantinePercent: 0 }, "`quality.maxQuarantinePercent` must be above 0 and at most 100, got 0."],
    [
      "a quarantine share above 100",
      { maxQuarantinePercent: 150 },
      "`quality.maxQuarantinePercent` must be above 0 and at most 100, got 150.",
    ],
    [
      "a file wait shorter than two freshness checks",
      { maxFileWaitMinutes: 20 },
      "`quality.maxFileWaitMinutes` must be an integer between 30 and 10080 minutes, got 20.",
    ],
    [
      "a Gold lag above 7 days",
      { maxGoldLagMinutes: 20000 },
      "`quality.maxGoldLagMinutes` must be an integer between 30 and 10080 minutes, got 20000.",
    ],
    [
      "a feed silence above 7 days",
      { maxHoursWithoutNewFiles: 200 },
      "`quality.maxHoursWithoutNewFiles` must be an integer between 0 and 168 hours, got 200.",
    ],
  ])("rejects %s", (_, change, message) => {
    // Act / Assess
    expect(() => validateConfig(quality(change))).toThrow(`Configuration environments[0] (dev): ${message}`);
  });

  it("rejects a feed silence longer than the processed-files table keeps a file's item", () => {
    // Prepare: items expire 2 days (48 h) after processing, so a 72-hour silence would find no newest file.
    const shortLived = withDev((e) => ({
      ...e,
      processedFilesTtlDays: 2,
      quality: { maxQuarantinePercent: 5, maxFileWaitMinutes: 120, maxGoldLagMinutes: 240, maxHoursWithoutNewFiles: 72 },
    }));
    // Act / Assess
    expect(() => validateConfig(shortLived)).toThrow(
      "Configuration environments[0] (dev): `quality.maxHoursWithoutNewFiles` (72) must be at most `processedFilesTtlDays` × 24 (48): the freshness check finds the newest file in the processed-files table, whose items expire after that many days.",
    );
  });

  it("accepts a quarantine share with decimals and a feed silence alarm within the table's item lifetime", () => {
    // Act
    const validated = validateConfig(quality({ maxQuarantinePercent: 2.5, maxHoursWithoutNewFiles: 72 }));
    // Assess
    expect(validated.environments[0]?.quality).toEqual({
      maxQuarantinePercent: 2.5,
      maxFileWaitMinutes: 120,
      maxGoldLagMinutes: 240,
      maxHoursWithoutNewFiles: 72,
    });
  });

  it("requires raw noncurrent versions to outlive their Object Lock", () => {
    // Act
    const act = () => validateConfig(withDev((e) => ({ ...e, rawObjectLockDays: 45 })));
    // Assess
    expect(act).toThrow(
      "Configuration environments[0] (dev): `lifecycle.noncurrentVersionExpirationDays` (30) must be at least `rawObjectLockDays` (45): a replaced or deleted raw file must stay recoverable for as long as Object Lock protects it.",
    );
  });

  it.each([
    ["rawObjectLockDays", 0, "Configuration environments[0] (dev): `rawObjectLockDays` must be an integer between 1 and 3650 days, got 0."],
    [
      "auditLogRetentionDays",
      4000,
      "Configuration environments[0] (dev): `auditLogRetentionDays` must be an integer between 1 and 3650 days, got 4000.",
    ],
  ])("rejects %s %p", (setting, value, message) => {
    // Act / Assess
    expect(() => validateConfig(withDev((e) => ({ ...e, [setting]: value })))).toThrow(message);
  });

  it.each([["fhirUploaderArns"], ["auditorRoleArns"]])("rejects a %s entry that is not an IAM role or user ARN", (setting) => {
    // Act
    const act = () => validateConfig(withDev((e) => ({ ...e, [setting]: ["arn:aws:iam::123456789012:group/feeds"] })));
    // Assess
    expect(act).toThrow(
      `Configuration environments[0] (dev): \`${setting}[0]\` must be an IAM role or user ARN such as "arn:aws:iam::123456789012:role/fhir-feed", got "arn:aws:iam::123456789012:group/feeds".`,
    );
  });

  it("accepts a FHIR feed and an auditor as roles or users", () => {
    // Act
    const act = () =>
      validateConfig(
        withDev((e) => ({
          ...e,
          fhirUploaderArns: ["arn:aws:iam::123456789012:role/fhir-feed", "arn:aws:iam::210987654321:user/partner-hospital"],
          auditorRoleArns: ["arn:aws:iam::123456789012:role/compliance-auditor"],
        })),
      );
    // Assess
    expect(act).not.toThrow();
  });

  it("rejects a deployer that is not a role ARN", () => {
    // Act
    const act = () => validateConfig(withDev((e) => ({ ...e, deployerRoleArns: ["arn:aws:iam::123456789012:user/alice"] })));
    // Assess
    expect(act).toThrow(
      'Configuration environments[0] (dev): `deployerRoleArns[0]` must be an IAM role ARN such as "arn:aws:iam::123456789012:role/ci-deployer", got "arn:aws:iam::123456789012:user/alice".',
    );
  });
});

describe("validateSelectedWorkspace", () => {
  it("refuses a workspace that requires an alert subscription and has none", () => {
    // Prepare
    const silentProd = { ...config, environments: [dev, staging, { ...prod, requireAlertSubscription: true, alertEmails: [] }] };
    // Act
    const act = () => validateSelectedWorkspace(silentProd, "prod");
    // Assess
    expect(act).toThrow(
      'Configuration environment "prod": `requireAlertSubscription` is true but `alertEmails` is empty: failed ETL runs in prod would alert nobody. Add at least one address to alertEmails in config/metriccare.config.ts (each must confirm the subscription mail).',
    );
    expect(() => validateSelectedWorkspace(silentProd, "dev")).not.toThrow();
  });

  it("accepts a configured workspace and an unset TF_WORKSPACE", () => {
    expect(() => validateSelectedWorkspace(config, "prod")).not.toThrow();
    expect(() => validateSelectedWorkspace(config, undefined)).not.toThrow();
  });

  it("rejects an unknown workspace and lists the configured ones", () => {
    expect(() => validateSelectedWorkspace(config, "no-such-workspace")).toThrow(
      'Configuration: TF_WORKSPACE "no-such-workspace" is not a configured environment; configured: "dev", "staging", "prod". Add it to config/metriccare.config.ts or pick one of these.',
    );
  });
});

describe("npm run synth with bad configuration", () => {
  const configured = metricCareConfig.environments.map((e) => `"${e.name}"`).join(", ");

  it("fails on an unknown TF_WORKSPACE with one readable paragraph and no stack trace", () => {
    // Act
    const result = runSynth(PROJECT_ROOT, { TF_WORKSPACE: "no-such-workspace" });
    // Assess
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim()).toBe(
      `Synth failed: invalid configuration. Configuration: TF_WORKSPACE "no-such-workspace" is not a configured environment; configured: ${configured}. Add it to config/metriccare.config.ts or pick one of these.`,
    );
  });

  it("fails on a setting of the wrong type in config/metriccare.config.ts (synth does not type-check)", () => {
    // Prepare: the last environment's deletionProtection written as text, as a user might.
    const clone = cleanClone();
    const file = join(clone, "config", "metriccare.config.ts");
    appendFileSync(file, '\n(metricCareConfig.environments.at(-1) as unknown as Record<string, unknown>).deletionProtection = "yes";\n');
    const last = metricCareConfig.environments.length - 1;
    // Act
    const result = runSynth(clone);
    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      `Synth failed: invalid configuration. Configuration environments[${last}] (${metricCareConfig.environments[last]?.name}): \`deletionProtection\` must be true or false, got "yes".`,
    );
  });
});
