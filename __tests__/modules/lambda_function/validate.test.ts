import { ref, Token } from "cdktf";
import { LAMBDA_LOG_LEVELS, validateLambdaFunctionProps, type LambdaSettings } from "../../../modules/lambda_function/validate";
import { MetricCareValidationError } from "../../../modules/shared/errors";

describe("validateLambdaFunctionProps", () => {
  it("allows the log levels both Lambda and Powertools know", () => {
    // Assess
    expect(LAMBDA_LOG_LEVELS).toEqual(["TRACE", "DEBUG", "INFO", "WARN", "ERROR"]);
  });

  it.each<[string, LambdaSettings]>([
    [
      "the smallest settings",
      {
        functionName: "a",
        handler: "a.b",
        timeoutSeconds: 1,
        memorySizeMb: 128,
        reservedConcurrency: 1,
        maximumRetryAttempts: 0,
        maximumEventAgeSeconds: 60,
        logLevel: "TRACE",
      },
    ],
    [
      "the largest settings",
      {
        functionName: "f".repeat(64),
        handler: "src/index.handler",
        timeoutSeconds: 300,
        memorySizeMb: 10240,
        reservedConcurrency: 1000,
        maximumRetryAttempts: 2,
        maximumEventAgeSeconds: 21600,
        logLevel: "ERROR",
      },
    ],
    ["a nested handler path with dots", { handler: "app.handlers.main" }],
    ["no settings", {}],
  ])("accepts %s", (_, settings) => {
    // Act
    const act = () => validateLambdaFunctionProps('LambdaFunction "fn"', settings);
    // Assess
    expect(act).not.toThrow();
  });

  it.each<[string, LambdaSettings, string]>([
    [
      "a 65-character function name",
      { functionName: "f".repeat(65) },
      `\`functionName\` must be 1 to 64 letters, digits, hyphens or underscores, got "${"f".repeat(65)}".`,
    ],
    ["an empty function name", { functionName: "" }, '`functionName` must be 1 to 64 letters, digits, hyphens or underscores, got "".'],
    [
      "a handler ending in a dot",
      { handler: "index." },
      '`handler` must be of the form "<file>.<export>", e.g. "index.handler", got "index.".',
    ],
    [
      "a handler with a space",
      { handler: "index .handler" },
      '`handler` must be of the form "<file>.<export>", e.g. "index.handler", got "index .handler".',
    ],
    ["a timeout of 0", { timeoutSeconds: 0 }, "`timeoutSeconds` must be an integer between 1 and 300 seconds, got 0."],
    ["10241 MB", { memorySizeMb: 10241 }, "`memorySizeMb` must be an integer between 128 and 10240 MB, got 10241."],
    ["1001 reserved executions", { reservedConcurrency: 1001 }, "`reservedConcurrency` must be an integer between 0 and 1000, got 1001."],
    ["negative retries", { maximumRetryAttempts: -1 }, "`maximumRetryAttempts` must be an integer between 0 and 2, got -1."],
    [
      "an event age under a minute",
      { maximumEventAgeSeconds: 59 },
      "`maximumEventAgeSeconds` must be an integer between 60 and 21600 seconds, got 59.",
    ],
    ["a lowercase log level", { logLevel: "info" }, '`logLevel` must be one of "TRACE", "DEBUG", "INFO", "WARN", "ERROR", got "info".'],
  ])("rejects %s", (_, settings, message) => {
    // Act
    const act = () => validateLambdaFunctionProps('LambdaFunction "fn"', settings);
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(`LambdaFunction "fn": ${message}`);
  });

  it("prefixes field names, for settings nested in the configuration", () => {
    // Act
    const act = () => validateLambdaFunctionProps('Configuration environment "dev"', { timeoutSeconds: 900 }, "lambda.");
    // Assess
    expect(act).toThrow('Configuration environment "dev": `lambda.timeoutSeconds` must be an integer between 1 and 300 seconds, got 900.');
  });

  it("skips unresolved tokens", () => {
    // Act
    const act = () =>
      validateLambdaFunctionProps('LambdaFunction "fn"', {
        functionName: Token.asString(ref("local.name")),
        handler: Token.asString(ref("local.handler")),
        timeoutSeconds: Token.asNumber(ref("local.timeout")),
        memorySizeMb: Token.asNumber(ref("local.memory")),
        reservedConcurrency: Token.asNumber(ref("local.concurrency")),
        maximumRetryAttempts: Token.asNumber(ref("local.retries")),
        maximumEventAgeSeconds: Token.asNumber(ref("local.age")),
        logLevel: Token.asString(ref("local.log_level")),
      });
    // Assess
    expect(act).not.toThrow();
  });
});
