import { Token } from "cdktf";
import { MetricCareValidationError } from "../../shared/errors";

/** Storage classes a lifecycle rule can move current versions to. */
export const TRANSITION_STORAGE_CLASSES = [
  "STANDARD_IA",
  "ONEZONE_IA",
  "INTELLIGENT_TIERING",
  "GLACIER_IR",
  "GLACIER",
  "DEEP_ARCHIVE",
] as const;
export type TransitionStorageClass = (typeof TRANSITION_STORAGE_CLASSES)[number];

/** Move current object versions to `storageClass` `days` after creation. */
export interface StorageTransition {
  /** Days after object creation. */
  readonly days: number;
  /** Target storage class. */
  readonly storageClass: TransitionStorageClass;
  /**
   * Name of the setting the days come from, for error messages.
   * @default "transitions[<index>].days"
   */
  readonly setting?: string;
}

const INFREQUENT_ACCESS: readonly string[] = ["STANDARD_IA", "ONEZONE_IA"];
const ARCHIVE: readonly string[] = ["GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"];

/**
 * Checks the rules S3 enforces on transitions, so a bad configuration fails at synth instead of
 * at `terraform apply`: IA classes need 30 days in Standard first, days strictly increase, an
 * archive class comes at least 30 days after an IA class, and expiration comes after the last
 * transition.
 */
export function validateLifecycleTransitions(owner: string, transitions: readonly StorageTransition[], expirationDays?: number): void {
  // Per-workspace days are Terraform expressions: skipped here, checked by the configuration loader.
  const known: { readonly transition: StorageTransition; readonly field: string }[] = [];
  for (const [index, t] of transitions.entries()) {
    if (!(TRANSITION_STORAGE_CLASSES as readonly string[]).includes(t.storageClass)) {
      throw new MetricCareValidationError(
        owner,
        `\`transitions[${index}].storageClass\` must be one of ${TRANSITION_STORAGE_CLASSES.join(", ")}, got "${t.storageClass}".`,
      );
    }
    if (Token.isUnresolved(t.days)) continue;
    const field = t.setting ?? `transitions[${index}].days`;
    if (!Number.isInteger(t.days) || t.days < 0) {
      throw new MetricCareValidationError(owner, `\`${field}\` must be a whole number of days (0 or more), got ${t.days}.`);
    }
    if (INFREQUENT_ACCESS.includes(t.storageClass) && t.days < 30) {
      throw new MetricCareValidationError(
        owner,
        `\`${field}\` must be at least 30 for ${t.storageClass} (S3 keeps objects 30 days in Standard first), got ${t.days}.`,
      );
    }
    const previous = known[known.length - 1];
    if (previous !== undefined) {
      const before = previous.transition;
      if (t.days <= before.days) {
        throw new MetricCareValidationError(
          owner,
          `lifecycle days are out of order: \`${field}\` (${t.storageClass}) must be greater than \`${previous.field}\` (${before.days}, ${before.storageClass}), got ${t.days}.`,
        );
      }
      if (INFREQUENT_ACCESS.includes(before.storageClass) && ARCHIVE.includes(t.storageClass) && t.days < before.days + 30) {
        throw new MetricCareValidationError(
          owner,
          `\`${field}\` must be at least ${before.days + 30} (30 days after \`${previous.field}\`, ${before.storageClass} at day ${before.days}), got ${t.days}.`,
        );
      }
    }
    known.push({ transition: t, field });
  }
  const last = known[known.length - 1]?.transition;
  if (expirationDays !== undefined && !Token.isUnresolved(expirationDays)) {
    if (!Number.isInteger(expirationDays) || expirationDays < 1) {
      throw new MetricCareValidationError(owner, `\`expirationDays\` must be a whole number of days (1 or more), got ${expirationDays}.`);
    }
    if (last !== undefined && expirationDays <= last.days) {
      throw new MetricCareValidationError(
        owner,
        `lifecycle days are out of order: \`expirationDays\` must be greater than the last transition (${last.storageClass} at day ${last.days}), got ${expirationDays}.`,
      );
    }
  }
}
