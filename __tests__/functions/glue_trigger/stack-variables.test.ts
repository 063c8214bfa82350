import { CONFIG_VARIABLES } from "../../../functions/glue_trigger/config";
import { buildMetricCareStack } from "../../support/metriccare-stack";
import { onlyResource, type Block } from "../../support/terraform-json";

// The function has no defaults of its own: every variable it reads must come from the stack.
describe("the glue_trigger function in the synthesized stack", () => {
  const { json } = buildMetricCareStack();
  const variables = (onlyResource(json, "aws_lambda_function").environment as Block).variables as Record<string, unknown>;

  it("gets exactly the variables its configuration reads", () => {
    // Assess
    expect(Object.keys(variables).sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it("gets none of them blank", () => {
    // Assess
    expect(Object.entries(variables).filter(([, value]) => typeof value !== "string" || value.trim() === "")).toEqual([]);
  });
});
