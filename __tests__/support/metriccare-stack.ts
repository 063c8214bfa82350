import { Testing } from "cdktf";
import { resolve } from "node:path";
import type { MetricCareConfigInput } from "../../config/types";
import { validateConfig } from "../../config/validate-config";
import type { FunctionBundle } from "../../packaging/bundle-function";
import { MetricCareStack, projectSources } from "../../stacks/metriccare-stack";
import type { S3StateSettings } from "../../stacks/state-backend";
import { threeEnvironmentConfig } from "./config-fixtures";
import { fixtureFunctionBundle, synthStack, tempDirectory } from "./test-context";
import type { TerraformJson } from "./terraform-json";

/** The repository root (the stack uploads its etl/ folder). */
export const PROJECT_ROOT = resolve(__dirname, "..", "..");

/** Builds the whole MetricCare stack from a test configuration (`threeEnvironmentConfig()` unless given), never from the shipped one. */
export function buildMetricCareStack(
  options: { config?: MetricCareConfigInput; bundle?: FunctionBundle; state?: S3StateSettings; allowDestroy?: boolean } = {},
): {
  stack: MetricCareStack;
  json: TerraformJson;
  bundle: FunctionBundle;
} {
  const bundle = options.bundle ?? fixtureFunctionBundle();
  const sources = { ...projectSources(PROJECT_ROOT, bundle), stagingDirectory: tempDirectory() };
  const stack = new MetricCareStack(Testing.app(), "metriccare", {
    config: validateConfig(options.config ?? threeEnvironmentConfig()),
    sources,
    state: options.state,
    allowDestroy: options.allowDestroy,
  });
  return { stack, json: synthStack(stack), bundle };
}
