import { ref, Token } from "cdktf";
import { validateScheduleExpression } from "../../../modules/event_bridge/schedule-expression";
import { MetricCareValidationError } from "../../../modules/shared/errors";

const ALLOWED = '"rate(<n> <minute|minutes|hour|hours|day|days>)" or "cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)"';
const message = (expression: string, why: string): string =>
  `EventBridge "events": \`scheduleExpression\` must be a valid EventBridge schedule, ${ALLOWED}, got "${expression}": ${why}.`;

describe("validateScheduleExpression", () => {
  it.each([
    "rate(1 minute)",
    "rate(5 minutes)",
    "rate(1 hour)",
    "rate(12 hours)",
    "rate(1 day)",
    "rate(7 days)",
    "cron(0 6 * * ? *)",
    "cron(0/15 * * * ? *)",
    "cron(0 8-17 ? * MON-FRI *)",
    "cron(30 2 ? * SUN,WED *)",
    "cron(0 0 1,15 * ? *)",
    "cron(0 18 L * ? *)",
    "cron(0 9 LW * ? *)",
    "cron(0 9 15W * ? *)",
    "cron(0 10 ? * 6#3 *)",
    "cron(0 10 ? * 6L *)",
    "cron(0 10 ? * L *)",
    "cron(15 10 ? JAN,JUL 2 2025-2030)",
    "cron(59 23 31 12 ? 2199)",
    "cron(*/5 */2 * jan-mar ? *)",
  ])("accepts %p", (expression) => {
    // Act
    const act = () => validateScheduleExpression('EventBridge "events"', "scheduleExpression", expression);
    // Assess
    expect(act).not.toThrow();
  });

  it.each([
    ["rate(0 minutes)", "the rate must be a positive whole number"],
    ["rate(1 minutes)", 'a rate of 1 takes the singular unit "minute"'],
    ["rate(1 days)", 'a rate of 1 takes the singular unit "day"'],
    ["rate(5 minute)", 'a rate above 1 takes the plural unit "minutes"'],
    ["rate(2 hour)", 'a rate above 1 takes the plural unit "hours"'],
    ["rate(1 week)", 'the rate is not "<n> <unit>" with a unit of minute(s), hour(s) or day(s)'],
    ["rate(-5 minutes)", 'the rate is not "<n> <unit>" with a unit of minute(s), hour(s) or day(s)'],
    ["rate(5  minutes)", 'the rate is not "<n> <unit>" with a unit of minute(s), hour(s) or day(s)'],
    ["rate(5 minutes", 'the rate is not "<n> <unit>" with a unit of minute(s), hour(s) or day(s)'],
    ["every 5 minutes", 'it starts with neither "rate(" nor "cron("'],
    ["0 6 * * ? *", 'it starts with neither "rate(" nor "cron("'],
    ["Cron(0 6 * * ? *)", 'it starts with neither "rate(" nor "cron("'],
    ["cron(0 6 * * *)", "a cron expression has 6 fields, this one has 5"],
    ["cron(0 6 * * ? * *)", "a cron expression has 6 fields, this one has 7"],
    ["cron()", "a cron expression has 6 fields, this one has 1"],
    ["cron(60 6 * * ? *)", '"60" is not a valid minutes field'],
    ["cron(0 24 * * ? *)", '"24" is not a valid hours field'],
    ["cron(0 6 32 * ? *)", '"32" is not a valid day-of-month field'],
    ["cron(0 6 0 * ? *)", '"0" is not a valid day-of-month field'],
    ["cron(0 6 * 13 ? *)", '"13" is not a valid month field'],
    ["cron(0 6 * FOO ? *)", '"FOO" is not a valid month field'],
    ["cron(0 6 ? * 8 *)", '"8" is not a valid day-of-week field'],
    ["cron(0 6 ? * MON#6 *)", '"MON#6" is not a valid day-of-week field'],
    ["cron(0 6 * * ? 1969)", '"1969" is not a valid year field'],
    ["cron(0 6 1,L * ? *)", '"1,L" is not a valid day-of-month field'],
    ["cron(0 6 * * * *)", 'exactly one of day-of-month and day-of-week must be "?"'],
    ["cron(0 6 ? * ? *)", 'exactly one of day-of-month and day-of-week must be "?"'],
    ["cron(0 6 1 * MON *)", 'exactly one of day-of-month and day-of-week must be "?"'],
  ])("rejects %p: %s", (expression, why) => {
    // Act
    const act = () => validateScheduleExpression('EventBridge "events"', "scheduleExpression", expression);
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(message(expression, why));
  });

  it("skips an unset expression and an unresolved token", () => {
    // Act
    const act = () => {
      validateScheduleExpression('EventBridge "events"', "scheduleExpression", undefined);
      validateScheduleExpression('EventBridge "events"', "scheduleExpression", Token.asString(ref("local.environment.scheduleExpression")));
    };
    // Assess
    expect(act).not.toThrow();
  });
});
