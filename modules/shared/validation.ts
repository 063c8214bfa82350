import { Token } from "cdktf";
import { MetricCareValidationError } from "./errors";

// Validators skip unresolved tokens: per-workspace values are Terraform expressions at synth time
// and are validated for every environment by the configuration loader instead.

/** A value as the messages quote it: strings in double quotes, numbers as written, the rest as JSON. */
export function show(value: unknown): string {
  if (typeof value === "string") return `"${value}"`;
  // String(), not JSON.stringify: NaN and Infinity would read "null".
  return typeof value === "number" ? String(value) : JSON.stringify(value);
}

/** `value` must be an integer in [min, max]. */
export function validateIntegerRange(owner: string, field: string, value: number | undefined, min: number, max: number, unit = ""): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    const suffix = unit ? ` ${unit}` : "";
    throw new MetricCareValidationError(owner, `\`${field}\` must be an integer between ${min} and ${max}${suffix}, got ${show(value)}.`);
  }
}

/** `value` must be one of `allowed`. */
export function validateOneOf<T extends string | number>(owner: string, field: string, value: T | undefined, allowed: readonly T[]): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!allowed.includes(value)) {
    throw new MetricCareValidationError(owner, `\`${field}\` must be one of ${allowed.map(show).join(", ")}, got ${show(value)}.`);
  }
}

/** `value` must match `pattern`; `rule` says in words what is allowed. */
export function validatePattern(owner: string, field: string, value: string | undefined, pattern: RegExp, rule: string): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!pattern.test(value)) {
    throw new MetricCareValidationError(owner, `\`${field}\` must be ${rule}, got ${show(value)}.`);
  }
}

/** `value` must not be empty. */
export function validateNotEmpty(owner: string, field: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (value.trim() === "") {
    throw new MetricCareValidationError(owner, `\`${field}\` must not be empty.`);
  }
}
