import { evaluateExpression, type Resolve } from "./terraform-expressions";

// Terraform's comparison operators (https://developer.hashicorp.com/terraform/language/expressions/operators):
// `>`, `>=`, `<`, `<=` take numbers and bind tighter than `==`/`!=`, which bind tighter than `&&`.
const settings: Resolve = (steps) => ({ hours: 24, off: 0 })[String(steps.at(-1))] ?? null;

describe("evaluateExpression's comparisons", () => {
  it.each([
    ["(local.environment.hours >= 1) ? 1 : 0", 1],
    ["(local.environment.off >= 1) ? 1 : 0", 0],
    ["local.environment.hours > 24", false],
    ["local.environment.hours <= 24", true],
    ["local.environment.off < 1 && local.environment.hours > 1", true],
    ["local.environment.off < 1 == true", true],
  ])("%s is %p", (expression, expected) => {
    expect(evaluateExpression(expression, settings)).toBe(expected);
  });

  it("refuses to compare what is not a number", () => {
    expect(() => evaluateExpression('"a" > 1', settings)).toThrow('">" compares numbers only, in: "a" > 1');
  });
});
