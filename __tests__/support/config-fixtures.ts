import type { EnvironmentConfigInput, MetricCareConfigInput } from "../../config/types";

// Tests build their own configurations: a user's edits to config/metriccare.config.ts (another region,
// an added environment) must not change what a test expects.

/** A test environment `name` with the settings of a small deployment; `change` adjusts it. */
export function testEnvironment(name: string, change: Partial<EnvironmentConfigInput> = {}): EnvironmentConfigInput {
  return {
    name,
    scheduleExpression: "cron(0 6 * * ? *)",
    logRetentionDays: 14,
    alertEmails: [],
    requireAlertSubscription: false,
    forceDestroy: false,
    rawObjectLockDays: 1,
    dataEventLogging: false,
    auditLogRetentionDays: 30,
    deletionProtection: false,
    manageDataCatalogEncryption: false,
    processedFilesTtlDays: 30,
    // Unreserved, and the default failure limit (3): both settings are optional.
    lambda: { memorySizeMb: 256, timeoutSeconds: 60, logLevel: "DEBUG" },
    glue: { workerType: "G.1X", numberOfWorkers: 2, timeoutMinutes: 60, maxRetries: 0 },
    lifecycle: {
      rawToInfrequentAccessDays: 30,
      rawToGlacierDays: 90,
      noncurrentVersionExpirationDays: 30,
      hudiNoncurrentVersionExpirationDays: 1,
      abortIncompleteMultipartUploadDays: 7,
      accessLogExpirationDays: 90,
      glueTempExpirationDays: 7,
    },
    athena: { bytesScannedCutoffPerQueryMb: 100, resultsExpirationDays: 7 },
    ...change,
  };
}

/** dev, staging and prod in eu-central-1, each with settings of its own (so a test can tell them apart). */
export function threeEnvironmentConfig(change: Partial<MetricCareConfigInput> = {}): MetricCareConfigInput {
  return {
    projectName: "metriccare",
    bucketNamePrefix: "metriccare",
    awsRegion: "eu-central-1",
    glueVersion: "5.1",
    fhir: { prefix: "fhir/", suffixes: [".json", ".ndjson"] },
    createDataEventTrail: false,
    environments: [
      testEnvironment("dev"),
      testEnvironment("staging", {
        scheduleExpression: "cron(0 */6 * * ? *)",
        logRetentionDays: 30,
        processedFilesTtlDays: 90,
        lambda: { memorySizeMb: 384, timeoutSeconds: 90, reservedConcurrency: 3, logLevel: "INFO", maxConsecutiveFailedRuns: 4 },
        glue: { workerType: "G.1X", numberOfWorkers: 5, timeoutMinutes: 120, maxRetries: 1 },
      }),
      testEnvironment("prod", {
        scheduleExpression: "rate(1 hour)",
        logRetentionDays: 365,
        deletionProtection: true,
        manageDataCatalogEncryption: false,
        requireAlertSubscription: true,
        alertEmails: ["data-platform@example.org"],
        rawObjectLockDays: 30,
        dataEventLogging: true,
        auditLogRetentionDays: 2557,
        processedFilesTtlDays: 365,
        lambda: { memorySizeMb: 512, timeoutSeconds: 120, reservedConcurrency: 5, logLevel: "INFO", maxConsecutiveFailedRuns: 2 },
        glue: { workerType: "G.2X", numberOfWorkers: 10, timeoutMinutes: 240, maxRetries: 1 },
        athena: {
          bytesScannedCutoffPerQueryMb: 50_000,
          resultsExpirationDays: 30,
          analystPrincipalArns: ["arn:aws:iam::123456789012:role/powerbi-gateway"],
        },
        lifecycle: {
          rawToInfrequentAccessDays: 30,
          rawToGlacierDays: 365,
          noncurrentVersionExpirationDays: 90,
          hudiNoncurrentVersionExpirationDays: 2,
          abortIncompleteMultipartUploadDays: 7,
          accessLogExpirationDays: 731,
          glueTempExpirationDays: 7,
        },
      }),
    ],
    ...change,
  };
}

/**
 * What another organisation's configuration may look like: other project and environment names, another
 * region, the data-event trail on and a permissions boundary on every role.
 */
export function otherEnvironmentConfig(): MetricCareConfigInput {
  return threeEnvironmentConfig({
    projectName: "carelake",
    bucketNamePrefix: "carelake-phi",
    awsRegion: "ap-southeast-2",
    createDataEventTrail: true,
    permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/platform-boundary",
    environments: [
      testEnvironment("sandbox", { allowedAccountIds: ["111111111111"] }),
      testEnvironment("qa", { scheduleExpression: "rate(12 hours)", allowedAccountIds: ["222222222222"] }),
      testEnvironment("live", { deletionProtection: true, manageDataCatalogEncryption: true, allowedAccountIds: ["210987654321"] }),
    ],
  });
}
