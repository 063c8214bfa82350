import { ref, Token } from "cdktf";
import { MetricCareValidationError } from "../../../modules/shared/errors";
import { validateIntegerRange, validateNotEmpty, validateOneOf, validatePattern } from "../../../modules/shared/validation";

const OWNER = 'Thing "x"';

describe("validateIntegerRange", () => {
  it("accepts integers from min to max inclusive, and an unset value", () => {
    // Act
    const act = () => {
      validateIntegerRange(OWNER, "days", 1, 1, 30);
      validateIntegerRange(OWNER, "days", 30, 1, 30);
      validateIntegerRange(OWNER, "days", undefined, 1, 30);
    };
    // Assess
    expect(act).not.toThrow();
  });

  it.each<[string, number, string]>([
    ["below the minimum", 0, 'Thing "x": `days` must be an integer between 1 and 30 days, got 0.'],
    ["above the maximum", 31, 'Thing "x": `days` must be an integer between 1 and 30 days, got 31.'],
    ["a fraction", 1.5, 'Thing "x": `days` must be an integer between 1 and 30 days, got 1.5.'],
  ])("rejects %s with a MetricCareValidationError naming owner, field, range, unit and value", (_, value, message) => {
    // Act
    const act = () => validateIntegerRange(OWNER, "days", value, 1, 30, "days");
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(message);
  });

  it("leaves the unit out of the message when there is none", () => {
    // Act
    const act = () => validateIntegerRange(OWNER, "count", -1, 0, 10);
    // Assess
    expect(act).toThrow('Thing "x": `count` must be an integer between 0 and 10, got -1.');
  });

  it("skips an unresolved number token (a per-workspace value)", () => {
    // Act
    const act = () => validateIntegerRange(OWNER, "days", Token.asNumber(ref("local.days")), 1, 30);
    // Assess
    expect(act).not.toThrow();
  });

  it("shows NaN as NaN, not as null", () => {
    // Act
    const act = () => validateIntegerRange(OWNER, "days", Number.NaN, 1, 30);
    // Assess
    expect(act).toThrow('Thing "x": `days` must be an integer between 1 and 30, got NaN.');
  });
});

describe("validateOneOf", () => {
  it("accepts an allowed value and an unset value", () => {
    // Act
    const act = () => {
      validateOneOf(OWNER, "mode", "b", ["a", "b"]);
      validateOneOf(OWNER, "mode", undefined, ["a", "b"]);
    };
    // Assess
    expect(act).not.toThrow();
  });

  it("rejects another string, listing the allowed values quoted", () => {
    // Act
    const act = () => validateOneOf(OWNER, "mode", "c", ["a", "b"]);
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow('Thing "x": `mode` must be one of "a", "b", got "c".');
  });

  it("rejects another number, listing the allowed values unquoted", () => {
    // Act
    const act = () => validateOneOf<number>(OWNER, "days", 10, [7, 14]);
    // Assess
    expect(act).toThrow('Thing "x": `days` must be one of 7, 14, got 10.');
  });

  it("skips unresolved string and number tokens", () => {
    // Act
    const act = () => {
      validateOneOf(OWNER, "mode", Token.asString(ref("local.mode")), ["a", "b"]);
      validateOneOf<number>(OWNER, "days", Token.asNumber(ref("local.days")), [7, 14]);
    };
    // Assess
    expect(act).not.toThrow();
  });
});

describe("validatePattern", () => {
  it("accepts a matching value and an unset value", () => {
    // Act
    const act = () => {
      validatePattern(OWNER, "name", "abc_1", /^[a-z0-9_]+$/, "lowercase");
      validatePattern(OWNER, "name", undefined, /^[a-z0-9_]+$/, "lowercase");
    };
    // Assess
    expect(act).not.toThrow();
  });

  it("rejects a value that does not match, saying in words what is allowed", () => {
    // Act
    const act = () => validatePattern(OWNER, "name", "ABC", /^[a-z0-9_]+$/, "lowercase letters, digits and underscores");
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow('Thing "x": `name` must be lowercase letters, digits and underscores, got "ABC".');
  });

  it("skips an unresolved string token", () => {
    // Act
    const act = () => validatePattern(OWNER, "name", Token.asString(ref("local.name")), /^[a-z]+$/, "lowercase");
    // Assess
    expect(act).not.toThrow();
  });
});

describe("validateNotEmpty", () => {
  it("accepts text and an unset value", () => {
    // Act
    const act = () => {
      validateNotEmpty(OWNER, "description", "a");
      validateNotEmpty(OWNER, "description", undefined);
    };
    // Assess
    expect(act).not.toThrow();
  });

  it.each(["", "  \t"])("rejects %j as empty", (value) => {
    // Act
    const act = () => validateNotEmpty(OWNER, "description", value);
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow('Thing "x": `description` must not be empty.');
  });

  it("skips an unresolved string token", () => {
    // Act
    const act = () => validateNotEmpty(OWNER, "description", Token.asString(ref("local.description")));
    // Assess
    expect(act).not.toThrow();
  });
});
