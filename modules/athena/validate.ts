import { validateIntegerRange, validatePattern } from "../shared/validation";

/** Athena refuses a per-query cutoff below 10 MB (`BytesScannedCutoffPerQuery`, minimum 10,000,000 bytes). */
export const MIN_BYTES_SCANNED_CUTOFF_MB = 10;
/** A cutoff above 1 PB is no cutoff: the bound catches a value given in bytes instead of MB. */
export const MAX_BYTES_SCANNED_CUTOFF_MB = 1_000_000_000;
/** An IAM role or user, the principals that can assume a role. */
export const IAM_PRINCIPAL_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;

/** The Athena settings of one environment (`config/schema.ts`). */
export interface AthenaSettings {
  readonly bytesScannedCutoffPerQueryMb: number;
  readonly resultsExpirationDays: number;
  readonly analystPrincipalArns?: readonly string[];
}

/** Checks an environment's Athena settings; `prefix` is the settings' path in the configuration. */
export function validateAthenaSettings(owner: string, settings: AthenaSettings, prefix = ""): void {
  validateIntegerRange(
    owner,
    `${prefix}bytesScannedCutoffPerQueryMb`,
    settings.bytesScannedCutoffPerQueryMb,
    MIN_BYTES_SCANNED_CUTOFF_MB,
    MAX_BYTES_SCANNED_CUTOFF_MB,
    "MB",
  );
  validateIntegerRange(owner, `${prefix}resultsExpirationDays`, settings.resultsExpirationDays, 1, 3650, "days");
  (settings.analystPrincipalArns ?? []).forEach((principal, i) =>
    validatePattern(
      owner,
      `${prefix}analystPrincipalArns[${i}]`,
      principal,
      IAM_PRINCIPAL_ARN_PATTERN,
      "an IAM role or user ARN such as arn:aws:iam::123456789012:role/powerbi-gateway",
    ),
  );
}
