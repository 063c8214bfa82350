import type { EnvironmentConfig, MetricCareConfig } from "../../config/types";

// Tests build their own configurations: a user's edits to config/metriccare.config.ts (another region,
// an added environment) must not change what a test expects.

/** A test environment `name` with the settings of a small deployment; `change` adjusts it. */
export function testEnvironment(name: string, change: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return {
    name,
    scheduleExpression: "cron(0 6 * * ? *)",
    logRetentionDays: 14,
    alertEmails: [],
    deletionProtection: false,
    manageDataCatalogEncryption: false,
    processedFilesTtlDays: 30,
    lambda: { memorySizeMb: 256, timeoutSeconds: 60, reservedConcurrency: 2, logLevel: "DEBUG" },
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
    ...change,
  };
}

/** dev, staging and prod in eu-central-1, each with settings of its own (so a test can tell them apart). */
export function threeEnvironmentConfig(change: Partial<MetricCareConfig> = {}): MetricCareConfig {
  return {
    projectName: "metriccare",
    bucketNamePrefix: "metriccare",
    awsRegion: "eu-central-1",
    glueVersion: "5.0",
    fhir: { prefix: "fhir/", suffixes: [".json", ".ndjson"] },
    createDataEventTrail: false,
    environments: [
      testEnvironment("dev"),
      testEnvironment("staging", {
        scheduleExpression: "cron(0 */6 * * ? *)",
        logRetentionDays: 30,
        processedFilesTtlDays: 90,
        lambda: { memorySizeMb: 384, timeoutSeconds: 90, reservedConcurrency: 3, logLevel: "INFO" },
        glue: { workerType: "G.1X", numberOfWorkers: 5, timeoutMinutes: 120, maxRetries: 1 },
      }),
      testEnvironment("prod", {
        scheduleExpression: "rate(1 hour)",
        logRetentionDays: 365,
        deletionProtection: true,
        manageDataCatalogEncryption: true,
        processedFilesTtlDays: 365,
        lambda: { memorySizeMb: 512, timeoutSeconds: 120, reservedConcurrency: 5, logLevel: "INFO" },
        glue: { workerType: "G.2X", numberOfWorkers: 10, timeoutMinutes: 240, maxRetries: 1 },
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
