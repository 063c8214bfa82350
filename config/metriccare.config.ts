import type { MetricCareConfigInput } from "./types";

/**
 * MetricCare's configuration: the one file to edit for a new environment, a new schedule or
 * more Glue workers. It is validated at synth (`config/validate-config.ts`), and every
 * environment becomes an entry of the Terraform locals map that the workspace selects.
 */
export const metricCareConfig: MetricCareConfigInput = {
  projectName: "metriccare",
  bucketNamePrefix: "metriccare",
  awsRegion: "us-east-1",
  glueVersion: "5.1",
  fhir: { prefix: "fhir/", suffixes: [".json", ".ndjson"] },
  createDataEventTrail: true,
  environments: [
    {
      name: "dev",
      requireAlertSubscription: false,
      forceDestroy: true,
      rawObjectLockDays: 1,
      dataEventLogging: false,
      auditLogRetentionDays: 30,
      scheduleExpression: "cron(0 6 * * ? *)",
      logRetentionDays: 14,
      alertEmails: [],
      deletionProtection: false,
      manageDataCatalogEncryption: false,
      processedFilesTtlDays: 30,
      // No reserved concurrency anywhere: Lambda keeps 100 of an account's concurrency unreserved, so a new
      // account (quota 10) rejects any reservation. Add `reservedConcurrency` once the quota is raised (README).
      lambda: { memorySizeMb: 256, timeoutSeconds: 60, logLevel: "DEBUG", maxConsecutiveFailedRuns: 3 },
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
      athena: { bytesScannedCutoffPerQueryMb: 1_000, resultsExpirationDays: 7 },
      // Test feeds are often malformed on purpose and no feed runs every day: looser limits, no silence alarm.
      quality: { maxQuarantinePercent: 20, maxFileWaitMinutes: 240, maxGoldLagMinutes: 480 },
    },
    {
      name: "staging",
      requireAlertSubscription: false,
      forceDestroy: false,
      rawObjectLockDays: 7,
      dataEventLogging: false,
      auditLogRetentionDays: 90,
      scheduleExpression: "cron(0 */6 * * ? *)",
      logRetentionDays: 30,
      alertEmails: [],
      deletionProtection: false,
      manageDataCatalogEncryption: false,
      processedFilesTtlDays: 90,
      lambda: { memorySizeMb: 256, timeoutSeconds: 60, logLevel: "INFO", maxConsecutiveFailedRuns: 3 },
      glue: { workerType: "G.1X", numberOfWorkers: 5, timeoutMinutes: 120, maxRetries: 1 },
      lifecycle: {
        rawToInfrequentAccessDays: 30,
        rawToGlacierDays: 180,
        noncurrentVersionExpirationDays: 60,
        hudiNoncurrentVersionExpirationDays: 1,
        abortIncompleteMultipartUploadDays: 7,
        accessLogExpirationDays: 180,
        glueTempExpirationDays: 7,
      },
      athena: { bytesScannedCutoffPerQueryMb: 10_000, resultsExpirationDays: 30 },
      quality: { maxQuarantinePercent: 10, maxFileWaitMinutes: 120, maxGoldLagMinutes: 240 },
    },
    {
      name: "prod",
      requireAlertSubscription: true,
      forceDestroy: false,
      rawObjectLockDays: 30,
      dataEventLogging: true,
      auditLogRetentionDays: 2557,
      scheduleExpression: "rate(1 hour)",
      logRetentionDays: 365,
      alertEmails: [],
      deletionProtection: true,
      // Needs every environment to name its own allowedAccountIds (the setting is per account).
      manageDataCatalogEncryption: false,
      processedFilesTtlDays: 365,
      lambda: { memorySizeMb: 512, timeoutSeconds: 120, logLevel: "INFO", maxConsecutiveFailedRuns: 3 },
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
      athena: { bytesScannedCutoffPerQueryMb: 100_000, resultsExpirationDays: 90 },
      // A production feed sends every day: 24 hours without a file is an outage, not a quiet day.
      quality: { maxQuarantinePercent: 5, maxFileWaitMinutes: 90, maxGoldLagMinutes: 180, maxHoursWithoutNewFiles: 24 },
    },
  ],
};
