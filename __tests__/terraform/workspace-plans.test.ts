import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { EnvironmentConfig } from "../../config/types";
import { startMotoServer, type MotoServer } from "../../toolchain/moto/moto-server";
import { NEWER_PROVIDER_ARGUMENTS } from "../../toolchain/terraform/newer-provider-arguments";
import { argumentKey } from "../../toolchain/terraform/provider-override";
import { BINDINGS_PROVIDER_VERSION, runTerraform, terraformOk } from "../../toolchain/terraform/terraform";
import { OVERRIDE_FILE, prepareStack, type PreparedStack } from "../../toolchain/terraform/terraform-stack";
import { threeEnvironmentConfig } from "../support/config-fixtures";
import { PROJECT_ROOT } from "../support/metriccare-stack";
import { fixtureFunctionBundle, tempDirectory } from "../support/test-context";
import { onlyPlanned, planJson, plannedOf, synthStackDirectory, terraformForTests, type PlanJson } from "./terraform-support";

const tool = terraformForTests();
const describeWithTerraform = tool ? describe : describe.skip;

// The test's own configuration: dev, staging and prod with settings of their own.
const config = threeEnvironmentConfig();
const ACCOUNT = "123456789012"; // moto's account

describeWithTerraform("Terraform on the synthesized stack (validate, per-workspace plans)", () => {
  let moto: MotoServer;
  let stackDir: string;
  let prepared: PreparedStack;
  const plans = new Map<string, PlanJson>();

  beforeAll(async () => {
    if (!tool) return;
    moto = await startMotoServer(PROJECT_ROOT);
    stackDir = synthStackDirectory(config, fixtureFunctionBundle());
    const work = tempDirectory("metriccare-terraform-");
    prepared = await prepareStack(tool, stackDir, join(work, "stack"), {
      stateDirectory: join(work, "state"),
      emulatorEndpoint: moto.endpoint,
    });
    for (const env of config.environments) await terraformOk(tool, prepared.dir, ["workspace", "new", "-no-color", env.name]);
    // Three plans at once: each spends most of its time starting the provider.
    const results = await Promise.all(config.environments.map((env) => planJson(tool, prepared.dir, env.name, { save: true })));
    results.forEach((result, index) => plans.set(config.environments[index]?.name ?? "", result.plan));
  }, 240_000);

  afterAll(async () => {
    await moto?.stop();
  });

  describe("init and validate", () => {
    it("validates the synthesized JSON against the mirror's provider", async () => {
      // Prepare
      const dir = prepared.dir;

      // Act
      const result = await runTerraform(tool!, dir, ["validate", "-no-color"]);

      // Assess
      expect(result.stderr).toBe("");
      expect(result.stdout).toContain("Success! The configuration is valid.");
    }, 60_000);

    it("overrides exactly the committed list of arguments the provider lacks", () => {
      // Prepare
      const committed = NEWER_PROVIDER_ARGUMENTS.map((a) => a.argument).sort();

      // Act
      const overridden = [...new Set(prepared.unsupported.map(argumentKey))].sort();

      // Assess
      expect(overridden).toEqual(tool!.providerVersion === BINDINGS_PROVIDER_VERSION ? [] : committed);
    });

    it("runs on the provider version it announces, and the shipped folder never gets the override", () => {
      // Prepare
      const shipped = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as {
        terraform: { required_providers: { aws: { version: string } }; required_version: string };
      };
      const lock = readFileSync(join(prepared.dir, ".terraform.lock.hcl"), "utf8");

      // Act
      const locked = /provider "registry\.terraform\.io\/hashicorp\/aws" \{\s+version\s+=\s+"([^"]+)"/.exec(lock)?.[1];

      // Assess
      expect(locked).toBe(tool!.providerVersion);
      expect(shipped.terraform.required_providers.aws.version).toBe(BINDINGS_PROVIDER_VERSION);
      expect(shipped.terraform.required_version).toBe(">= 1.10");
      expect(readdirSync(stackDir).filter((file) => file.endsWith("override.tf.json"))).toEqual([]);
      expect(existsSync(join(prepared.dir, OVERRIDE_FILE))).toBe(true);
    });
  });

  describe.each(config.environments.map((env) => [env.name, env] as [string, EnvironmentConfig]))("plan in workspace %s", (name, env) => {
    const plan = (): PlanJson => plans.get(name) as PlanJson;

    it("names the resources after the workspace", () => {
      // Prepare
      const bucketSuffix = `-${name}-${ACCOUNT}-${config.awsRegion}`;

      // Act
      const buckets = plannedOf(plan(), "aws_s3_bucket")
        .map((b) => b.values.bucket)
        .sort();

      // Assess
      expect(onlyPlanned(plan(), "aws_lambda_function").values.function_name).toBe(`${config.projectName}_trigger_glue_${name}`);
      expect(onlyPlanned(plan(), "aws_dynamodb_table").values.name).toBe(`${config.projectName}_processed_files_${name}`);
      expect(onlyPlanned(plan(), "aws_glue_workflow").values.name).toBe(`${config.projectName}_etl_workflow_${name}`);
      expect(buckets).toEqual(
        ["access-logs", "lakehouse", "raw", "scripts"].map((purpose) => `${config.bucketNamePrefix}-${purpose}${bucketSuffix}`),
      );
    });

    it("sizes the Lambda and the Glue jobs as the environment says", () => {
      // Act
      const fn = onlyPlanned(plan(), "aws_lambda_function").values;
      const jobs = plannedOf(plan(), "aws_glue_job").map((job) => job.values);

      // Assess
      expect(fn).toMatchObject({ memory_size: env.lambda.memorySizeMb, timeout: env.lambda.timeoutSeconds });
      expect(jobs).toHaveLength(3);
      for (const job of jobs) {
        expect(job).toMatchObject({
          worker_type: env.glue.workerType,
          number_of_workers: env.glue.numberOfWorkers,
          timeout: env.glue.timeoutMinutes,
          max_retries: env.glue.maxRetries,
        });
      }
    });

    it("protects the table and manages catalog encryption only where configured", () => {
      // Act
      const table = onlyPlanned(plan(), "aws_dynamodb_table").values;
      const catalogEncryption = plannedOf(plan(), "aws_glue_data_catalog_encryption_settings");

      // Assess
      expect(table.deletion_protection_enabled).toBe(env.deletionProtection);
      expect(catalogEncryption).toHaveLength(env.manageDataCatalogEncryption ? 1 : 0);
    });

    it("sets the duration alarm to 80 % of the Lambda timeout, in milliseconds", () => {
      // Prepare
      const expected = env.lambda.timeoutSeconds * 800;

      // Act
      const alarm = plannedOf(plan(), "aws_cloudwatch_metric_alarm").find((a) => a.values.metric_name === "Duration");

      // Assess
      expect(alarm?.values).toMatchObject({ alarm_name: `${config.projectName}_trigger_duration_${name}`, threshold: expected });
    });
  });

  it("fails the plan in the default workspace with the guard's message", async () => {
    // Act
    const result = await runTerraform(tool!, prepared.dir, ["plan", "-input=false", "-no-color", "-lock=false"], { workspace: "default" });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr.replace(/[\s│]+/g, " ")).toContain(
      `Terraform workspace "default" is not a configured MetricCare environment. Configured workspaces: dev, staging, prod.`,
    );
  }, 60_000);
});
