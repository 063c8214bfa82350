import { ref, Token } from "cdktf";
import {
  GLUE_VERSIONS,
  GLUE_WORKER_TYPES,
  validateGlueJobSettings,
  type GlueJobSettings,
} from "../../../../modules/glue/glue_job/validate";
import { MetricCareValidationError } from "../../../../modules/shared/errors";

const VALID: GlueJobSettings = { glueVersion: "5.1", workerType: "G.1X", numberOfWorkers: 2, timeoutMinutes: 60, maxRetries: 0 };

describe("validateGlueJobSettings", () => {
  it("supports the Glue version tested end to end, 5.1, and the Spark ETL worker types", () => {
    // Assess
    expect(GLUE_VERSIONS).toEqual(["5.1"]);
    expect(GLUE_WORKER_TYPES).toEqual(["G.1X", "G.2X", "G.4X", "G.8X", "G.12X", "G.16X", "R.1X", "R.2X", "R.4X", "R.8X"]);
  });

  it.each<[string, GlueJobSettings]>([
    ["the smallest settings", { glueVersion: "5.1", workerType: "G.1X", numberOfWorkers: 2, timeoutMinutes: 1, maxRetries: 0 }],
    ["the largest settings", { glueVersion: "5.1", workerType: "R.8X", numberOfWorkers: 1000, timeoutMinutes: 10080, maxRetries: 10 }],
    ["no settings", {}],
  ])("accepts %s", (_, settings) => {
    // Act
    const act = () => validateGlueJobSettings('GlueJob "bronze"', settings);
    // Assess
    expect(act).not.toThrow();
  });

  it.each<[string, GlueJobSettings, string]>([
    ["Glue 3.0", { glueVersion: "3.0" }, '`glueVersion` must be one of "5.1", got "3.0".'],
    [
      "the Python shell worker type",
      { workerType: "Standard" },
      '`workerType` must be one of "G.1X", "G.2X", "G.4X", "G.8X", "G.12X", "G.16X", "R.1X", "R.2X", "R.4X", "R.8X", got "Standard".',
    ],
    ["a single worker", { numberOfWorkers: 1 }, "`numberOfWorkers` must be an integer between 2 and 1000, got 1."],
    ["1001 workers", { numberOfWorkers: 1001 }, "`numberOfWorkers` must be an integer between 2 and 1000, got 1001."],
    ["a timeout of 0 minutes", { timeoutMinutes: 0 }, "`timeoutMinutes` must be an integer between 1 and 10080 minutes, got 0."],
    ["a timeout above 7 days", { timeoutMinutes: 10081 }, "`timeoutMinutes` must be an integer between 1 and 10080 minutes, got 10081."],
    ["11 retries", { maxRetries: 11 }, "`maxRetries` must be an integer between 0 and 10, got 11."],
  ])("rejects %s", (_, settings, message) => {
    // Act
    const act = () => validateGlueJobSettings('GlueJob "bronze"', { ...VALID, ...settings });
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(`GlueJob "bronze": ${message}`);
  });

  it("prefixes field names, for settings nested in the configuration", () => {
    // Act
    const act = () => validateGlueJobSettings('Configuration environment "dev"', { numberOfWorkers: 1 }, "glue.");
    // Assess
    expect(act).toThrow('Configuration environment "dev": `glue.numberOfWorkers` must be an integer between 2 and 1000, got 1.');
  });

  it("skips unresolved tokens", () => {
    // Act
    const act = () =>
      validateGlueJobSettings('GlueJob "bronze"', {
        glueVersion: Token.asString(ref("local.glue_version")),
        workerType: Token.asString(ref("local.worker_type")),
        numberOfWorkers: Token.asNumber(ref("local.workers")),
        timeoutMinutes: Token.asNumber(ref("local.timeout")),
        maxRetries: Token.asNumber(ref("local.retries")),
      });
    // Assess
    expect(act).not.toThrow();
  });
});
