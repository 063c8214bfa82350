import type { MetricCareConfig } from "./types";

/**
 * MetricCare's configuration: the one file to edit for a new environment, a new schedule or
 * more Glue workers. It is validated at synth (`config/validate-config.ts`), and every
 * environment becomes an entry of the Terraform locals map that the workspace selects.
 */
export const metricCareConfig: MetricCareConfig = {
  projectName: "metriccare",
  bucketNamePrefix: "metriccare",
  awsRegion: "us-east-1",
  glueVersion: "4.0",
  fhir: { prefix: "fhir/", suffixes: [".json", ".ndjson"] },
  createDataEventTrail: false,
  environments: [
    {
      name: "dev",
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
    },
    {
      name: "staging",
      scheduleExpression: "cron(0 */6 * * ? *)",
      logRetentionDays: 30,
      alertEmails: [],
      deletionProtection: false,
      manageDataCatalogEncryption: false,
      processedFilesTtlDays: 90,
      lambda: { memorySizeMb: 256, timeoutSeconds: 60, reservedConcurrency: 3, logLevel: "INFO" },
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
    },
    {
      name: "prod",
      scheduleExpression: "rate(1 hour)",
      logRetentionDays: 365,
      alertEmails: [],
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
    },
  ],
};
