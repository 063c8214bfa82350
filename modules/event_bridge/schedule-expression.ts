import { Token } from "cdktf";
import { MetricCareValidationError } from "../shared/errors";

const MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC";
const DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT";

/** One field of an EventBridge cron expression: allowed single values and special characters. */
interface CronField {
  readonly name: string;
  readonly value: string;
  readonly extra?: string;
}

// value: a number or name; a field is `*`, or a comma list of value, value-value, x/step (x = * or value).
const FIELDS: readonly CronField[] = [
  { name: "minutes", value: "[0-5]?\\d" },
  { name: "hours", value: "[01]?\\d|2[0-3]" },
  { name: "day-of-month", value: "0?[1-9]|[12]\\d|3[01]", extra: "\\?|L|LW|(?:0?[1-9]|[12]\\d|3[01])W" },
  { name: "month", value: `0?[1-9]|1[0-2]|${MONTHS}` },
  { name: "day-of-week", value: `[1-7]|${DAYS}`, extra: `\\?|L|(?:[1-7]|${DAYS})L|(?:[1-7]|${DAYS})#[1-5]` },
  { name: "year", value: "19[7-9]\\d|2[01]\\d\\d" },
];

function fieldPattern(field: CronField): RegExp {
  const v = `(?:${field.value})`;
  const item = `(?:\\*(?:/\\d+)?|${v}(?:-${v})?(?:/\\d+)?)`;
  const list = `${item}(?:,${item})*`;
  return new RegExp(`^(?:${field.extra ? `${field.extra}|` : ""}${list})$`, "i");
}

const RATE_PATTERN = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON_PATTERN = /^cron\((.*)\)$/;

/**
 * Checks an EventBridge schedule expression: `rate(<n> <unit>)` or `cron(<6 fields>)` with
 * exactly one of day-of-month and day-of-week set to `?`. Throws naming the field and the rule.
 */
export function validateScheduleExpression(owner: string, field: string, expression: string | undefined): void {
  if (expression === undefined || Token.isUnresolved(expression)) return;
  const fail = (why: string): never => {
    throw new MetricCareValidationError(
      owner,
      `\`${field}\` must be a valid EventBridge schedule, "rate(<n> <minute|minutes|hour|hours|day|days>)" or "cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)", got "${expression}": ${why}.`,
    );
  };
  const rate = RATE_PATTERN.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] ?? "";
    if (value < 1) fail("the rate must be a positive whole number");
    if (value === 1 && unit.endsWith("s")) fail(`a rate of 1 takes the singular unit "${unit.slice(0, -1)}"`);
    if (value > 1 && !unit.endsWith("s")) fail(`a rate above 1 takes the plural unit "${unit}s"`);
    return;
  }
  if (expression.startsWith("rate(")) fail('the rate is not "<n> <unit>" with a unit of minute(s), hour(s) or day(s)');
  const cron = CRON_PATTERN.exec(expression);
  if (!cron) return fail('it starts with neither "rate(" nor "cron("');
  const parts = (cron[1] ?? "").trim().split(/\s+/);
  if (parts.length !== FIELDS.length) fail(`a cron expression has ${FIELDS.length} fields, this one has ${parts.length}`);
  FIELDS.forEach((cronField, index) => {
    const part = parts[index] ?? "";
    if (!fieldPattern(cronField).test(part)) fail(`"${part}" is not a valid ${cronField.name} field`);
  });
  const dayOfMonth = parts[2];
  const dayOfWeek = parts[4];
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) fail('exactly one of day-of-month and day-of-week must be "?"');
}
