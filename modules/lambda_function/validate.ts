import { validateIntegerRange, validateOneOf, validatePattern } from "../shared/validation";

/**
 * Log levels for the function's application logs: those Lambda's advanced logging controls and
 * Powertools' Logger both accept (Lambda's FATAL is Powertools' CRITICAL, so it is left out).
 */
export const LAMBDA_LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"] as const;
export type LambdaLogLevel = (typeof LAMBDA_LOG_LEVELS)[number];

/** Lambda settings that are validated wherever they come from (construct props or workspace configuration). */
export interface LambdaSettings {
  readonly functionName?: string;
  readonly handler?: string;
  readonly timeoutSeconds?: number;
  readonly memorySizeMb?: number;
  readonly reservedConcurrency?: number;
  readonly maximumRetryAttempts?: number;
  readonly maximumEventAgeSeconds?: number;
  readonly logLevel?: string;
}

/** Throws {@link MetricCareValidationError} naming the first setting outside what Lambda accepts. */
export function validateLambdaFunctionProps(owner: string, settings: LambdaSettings, fieldPrefix = ""): void {
  const f = (name: string): string => `${fieldPrefix}${name}`;
  validatePattern(
    owner,
    f("functionName"),
    settings.functionName,
    /^[A-Za-z0-9_-]{1,64}$/,
    "1 to 64 letters, digits, hyphens or underscores",
  );
  validatePattern(owner, f("handler"), settings.handler, /^[^\s.]+(?:\.[^\s.]+)+$/, 'of the form "<file>.<export>", e.g. "index.handler"');
  // The seed keeps the function under 5 minutes: Glue does the long-running work.
  validateIntegerRange(owner, f("timeoutSeconds"), settings.timeoutSeconds, 1, 300, "seconds");
  validateIntegerRange(owner, f("memorySizeMb"), settings.memorySizeMb, 128, 10240, "MB");
  // 0 means unreserved: Lambda itself would read 0 as "never run".
  validateIntegerRange(owner, f("reservedConcurrency"), settings.reservedConcurrency, 0, 1000);
  validateIntegerRange(owner, f("maximumRetryAttempts"), settings.maximumRetryAttempts, 0, 2);
  validateIntegerRange(owner, f("maximumEventAgeSeconds"), settings.maximumEventAgeSeconds, 60, 21600, "seconds");
  validateOneOf<string>(owner, f("logLevel"), settings.logLevel, LAMBDA_LOG_LEVELS);
}
