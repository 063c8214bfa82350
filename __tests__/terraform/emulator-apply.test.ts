import { GetTriggerCommand, GetWorkflowRunCommand, GlueClient, StartWorkflowRunCommand } from "@aws-sdk/client-glue";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleFunction, type FunctionBundle } from "../../packaging/bundle-function";
import { functionPackage } from "../../packaging/project-functions";
import { startMotoServer, type MotoServer } from "../../toolchain/moto/moto-server";
import { pythonExecutable } from "../../toolchain/python/python-env";
import { EMULATOR_CREDENTIALS } from "../../toolchain/terraform/emulator-override";
import { MOTO_UNDELETABLE } from "../../toolchain/terraform/moto-gaps";
import { runTerraform, terraformOk } from "../../toolchain/terraform/terraform";
import { prepareStack, type PreparedStack } from "../../toolchain/terraform/terraform-stack";
import { journeyConfig } from "../support/journeys/journey-config";
import { CallLog, saveRecording } from "../support/journeys/record";
import type { RecordedCall, Recording } from "../support/journeys/recorded-calls";
import { PROJECT_ROOT } from "../support/metriccare-stack";
import { cleanClone } from "../support/project-clone";
import { tempDirectory } from "../support/test-context";
import {
  changes,
  emulatorRequest,
  isMotoGap,
  PARALLELISM,
  planJson,
  secondPlanDeviations,
  synthStackDirectory,
  terraformForTests,
  type PlanJson,
} from "./terraform-support";

// In the emulator run only, each bucket policy is applied without its conditional Deny statements:
// moto evaluates bucket policies on object calls but not their conditions (toolchain/terraform/
// emulator-override.ts). What the real policies allow is proven by the access journeys (__tests__/journeys/).

const tool = terraformForTests();
const describeWithTerraform = tool ? describe : describe.skip;

// The journeys' configuration (the data-event trail on): this run records the deployer's and an
// uploader's calls for the access journeys (__tests__/journeys/).
const config = journeyConfig();
const WORKSPACE = "dev";
const env = config.environments.find((e) => e.name === WORKSPACE)!;
const name = (service: string): string => `${config.projectName}_${service}_${WORKSPACE}`;
const bucket = (purpose: string): string => `${config.bucketNamePrefix}-${purpose}-${WORKSPACE}-123456789012-${config.awsRegion}`;

const emulatorCall = (endpoint: string, service: string, path: string): Promise<string> =>
  emulatorRequest(endpoint, config.awsRegion, service, path);

/** Deletes every version of every object in `name` with boto3 (the test environment's); returns how many. */
function emptyBucket(endpoint: string, name: string): number {
  const script = [
    "import boto3, sys",
    "s3 = boto3.client('s3', endpoint_url=sys.argv[1], region_name=sys.argv[3])",
    "versions = s3.list_object_versions(Bucket=sys.argv[2])",
    "keys = [{'Key': v['Key'], 'VersionId': v['VersionId']} for v in versions.get('Versions', []) + versions.get('DeleteMarkers', [])]",
    "[s3.delete_object(Bucket=sys.argv[2], BypassGovernanceRetention=True, **k) for k in keys]",
    "print(len(keys))",
  ].join("\n");
  const result = spawnSync(pythonExecutable(PROJECT_ROOT, "test"), ["-c", script, endpoint, name, config.awsRegion], {
    encoding: "utf8",
    env: { ...process.env, ...EMULATOR_CREDENTIALS },
  });
  if (result.status !== 0) throw new Error(`Emptying ${name} failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}

describeWithTerraform("Terraform against the emulator (moto), workspace dev", () => {
  let moto: MotoServer;
  let clone: string;
  let stateDirectory: string;
  let stack: PreparedStack;
  let planned: PlanJson;
  const terraformEnv = { ...EMULATOR_CREDENTIALS, AWS_REGION: config.awsRegion };

  const bundleClone = (): Promise<FunctionBundle> => bundleFunction({ ...functionPackage(clone, "glue_trigger"), cache: false });
  const prepare = async (bundle: FunctionBundle, label: string): Promise<PreparedStack> => {
    const prepared = await prepareStack(
      tool!,
      synthStackDirectory(config, bundle, clone),
      join(tempDirectory(`metriccare-${label}-`), "stack"),
      {
        stateDirectory,
        emulatorEndpoint: moto.endpoint,
      },
    );
    await terraformOk(tool!, prepared.dir, ["workspace", "select", "-or-create", "-no-color", WORKSPACE]);
    return prepared;
  };
  const plan = (dir: string, label: string, save = false) =>
    planJson(tool!, dir, WORKSPACE, { name: label, save, args: ["-detailed-exitcode"], okStatuses: [0, 2] });

  let calls: CallLog;
  let keys: Record<string, string>;
  /** Saves the calls since the last recording as the journey `name` of `actor`. */
  const record = (journey: string, description: string, actorOf: (call: RecordedCall) => string | undefined): void => {
    const taken = calls.take().flatMap((call) => {
      const actor = actorOf(call);
      return actor === undefined ? [] : [{ ...call, actor }];
    });
    const synthesized = JSON.parse(readFileSync(join(stack.dir, "cdk.tf.json"), "utf8")) as Recording["stack"];
    saveRecording({
      journey,
      description,
      workspace: WORKSPACE,
      accountId: "123456789012",
      region: config.awsRegion,
      keys,
      stack: synthesized,
      calls: taken,
    });
  };
  const deployer = (call: RecordedCall) => (call.accessKeyId === EMULATOR_CREDENTIALS.AWS_ACCESS_KEY_ID ? "deployer" : undefined);

  beforeAll(async () => {
    if (!tool) return;
    const recordFile = join(tempDirectory("metriccare-calls-"), "calls.jsonl");
    moto = await startMotoServer(PROJECT_ROOT, { recordFile });
    calls = new CallLog(recordFile);
    clone = cleanClone();
    stateDirectory = tempDirectory("metriccare-state-");
    stack = await prepare(await bundleClone(), "apply");
  }, 120_000);

  // Generous: under load the recording server takes seconds to flush and exit.
  afterAll(async () => {
    await moto?.stop();
  }, 60_000);

  it("creates every planned resource from an empty state", async () => {
    // Prepare
    planned = (await plan(stack.dir, WORKSPACE, true)).plan;
    const toCreate = changes(planned).filter((c) => c.actions.join() === "create");

    // Act
    await terraformOk(tool!, stack.dir, ["apply", "-input=false", "-no-color", PARALLELISM, `${WORKSPACE}.tfplan`], {
      workspace: WORKSPACE,
      env: terraformEnv,
    });
    const state = await terraformOk(tool!, stack.dir, ["state", "list"], { workspace: WORKSPACE });
    // The keys moto made, by address: recorded calls name them by moto's ids.
    const shown = JSON.parse((await terraformOk(tool!, stack.dir, ["show", "-json"], { workspace: WORKSPACE })).stdout) as {
      values: { root_module: { resources: { address: string; type: string; values: Record<string, string> }[] } };
    };
    keys = Object.fromEntries(
      shown.values.root_module.resources.filter((r) => r.type === "aws_kms_key").map((r) => [r.values.arn ?? "", r.address]),
    );
    record("deployer-apply", "terraform apply of workspace dev from an empty state", deployer);

    // Assess
    expect(Object.keys(keys)).toHaveLength(3);
    expect(toCreate.length).toBe(changes(planned).length);
    expect(
      state.stdout
        .trim()
        .split("\n")
        .filter((address) => !address.startsWith("data."))
        .sort(),
    ).toEqual(toCreate.map((c) => c.address).sort());
  }, 300_000);

  it("plans no change after the apply, except the committed moto gaps", async () => {
    // Act
    const second = await plan(stack.dir, "second");
    const deviations = secondPlanDeviations(changes(second.plan));
    record("deployer-refresh", "terraform plan after the apply: the provider reads every resource", deployer);

    // Assess
    expect(deviations).toEqual({ notUpdates: [], notGaps: [], gapsNotSeen: [] });
    expect(second.status).toBe(2);
  }, 180_000);

  describe("the moto gaps, shown by a direct call to the emulator", () => {
    it("aws_lambda_function.logging_config: GetFunction returns no LoggingConfig", async () => {
      // Prepare
      const sent = (planned.resource_changes ?? []).find((c) => c.type === "aws_lambda_function")?.change.after as {
        logging_config: unknown[];
      };

      // Act
      const fn = JSON.parse(await emulatorCall(moto.endpoint, "lambda", `/2015-03-31/functions/${name("trigger_glue")}`)) as {
        Configuration: Record<string, unknown>;
      };

      // Assess
      expect(sent.logging_config).toEqual([expect.objectContaining({ application_log_level: env.lambda.logLevel, log_format: "JSON" })]);
      expect(fn.Configuration.FunctionName).toBe(name("trigger_glue"));
      expect(fn.Configuration).not.toHaveProperty("LoggingConfig");
    });

    it("aws_s3_bucket_logging.target_object_key_format: GetBucketLogging returns no TargetObjectKeyFormat", async () => {
      // Act
      const xml = await emulatorCall(moto.endpoint, "s3", `/${bucket("raw")}?logging`);

      // Assess
      expect(xml).toContain(`<TargetBucket>${bucket("access-logs")}</TargetBucket>`);
      expect(xml).toContain("<TargetPrefix>raw/</TargetPrefix>");
      expect(xml).not.toContain("TargetObjectKeyFormat");
    });
  });

  it("StartWorkflowRun starts the workflow although its ON_DEMAND start trigger is created disabled", async () => {
    // Prepare
    const glue = new GlueClient({
      endpoint: moto.endpoint,
      region: config.awsRegion,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    const trigger = await glue.send(new GetTriggerCommand({ Name: `${name("etl_workflow")}_start_bronze` }));

    // Act
    const { RunId } = await glue.send(new StartWorkflowRunCommand({ Name: name("etl_workflow") }));
    const run = await glue.send(new GetWorkflowRunCommand({ Name: name("etl_workflow"), RunId }));

    // Assess
    expect(trigger.Trigger).toMatchObject({ Type: "ON_DEMAND", State: "CREATED" });
    expect(run.Run).toMatchObject({ Name: name("etl_workflow"), Status: "RUNNING" });
  });

  it("takes a FHIR feed's single upload and an AWS CLI-sized multipart upload into the raw bucket", () => {
    // Prepare: the AWS CLI uploads in 8 MB parts above 8 MB (https://docs.aws.amazon.com/cli/latest/topic/s3-config.html).
    const script = [
      "import boto3, os, sys",
      "from boto3.s3.transfer import TransferConfig",
      "s3 = boto3.client('s3', endpoint_url=sys.argv[1], region_name=sys.argv[3], aws_access_key_id='fhir-feed', aws_secret_access_key='x')",
      's3.put_object(Bucket=sys.argv[2], Key=\'fhir/2026/12/07/patient-1.json\', Body=b\'{"resourceType": "Patient", "id": "1"}\')',
      "path = os.path.join(sys.argv[4], 'bundle.ndjson')",
      "open(path, 'wb').write(b'x' * (9 * 1024 * 1024))",
      "cli = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024)",
      "s3.upload_file(path, sys.argv[2], 'fhir/2026/12/07/bundle.ndjson', Config=cli)",
    ].join("\n");

    // Act
    const result = spawnSync(
      pythonExecutable(PROJECT_ROOT, "test"),
      ["-c", script, moto.endpoint, bucket("raw"), config.awsRegion, tempDirectory()],
      {
        encoding: "utf8",
      },
    );
    record("uploader", "a FHIR feed uploads one file and one 9 MB file (multipart, as the AWS CLI does)", (call) =>
      call.accessKeyId === "fhir-feed" ? "uploader" : undefined,
    );
    // moto refuses to change a bucket's Object Lock configuration unless the bucket is empty (S3
    // does not): the teardown below removes the raw bucket's, so the uploads go first.
    const removed = emptyBucket(moto.endpoint, bucket("raw"));

    // Assess
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(removed).toBe(2);
  });

  it("plans exactly the new Lambda package and the function's update after a change to the handler", async () => {
    // Prepare
    const handler = join(clone, "functions", "glue_trigger", "handler.ts");
    writeFileSync(
      handler,
      readFileSync(handler, "utf8").replace("logger.resetKeys();", 'logger.resetKeys();\n  logger.debug("changed by the test");'),
    );
    const changed = await prepare(await bundleClone(), "change");

    // Act
    const { plan: changePlan } = await plan(changed.dir, "change");
    const found = changes(changePlan)
      .map((c) => ({ ...c, attributes: c.attributes.filter((a) => !isMotoGap(c.type, a)) }))
      .filter((c) => c.attributes.length > 0);

    // Assess
    expect(found.map((c) => [c.type, [...c.actions].sort().join("+")]).sort()).toEqual([
      ["aws_lambda_function", "update"],
      ["aws_s3_object", "create+delete"],
    ]);
    const fn = found.find((c) => c.type === "aws_lambda_function");
    // last_modified is the one attribute the provider leaves known after apply.
    expect(fn?.attributes).toEqual(["last_modified", "s3_key", "source_code_hash"]);
    expect(fn?.knownAfterApply).toEqual(["last_modified"]);
    expect(found.find((c) => c.type === "aws_s3_object")?.address).toMatch(/upload_scripts_function_glue_trigger/);

    // And applies it, for the deployer's journey of a code change.
    calls.take();
    await terraformOk(tool!, changed.dir, ["apply", "-auto-approve", "-input=false", "-no-color", PARALLELISM], {
      workspace: WORKSPACE,
      env: terraformEnv,
    });
    record("deployer-change", "terraform apply of a change to the Lambda's code", deployer);
  }, 240_000);

  it("refuses to destroy the stateful resources, then after the README's teardown synth destroys everything", async () => {
    // Prepare
    // No refresh: the apply and the second plan just read every resource, and each refresh of ~100 resources costs a minute here.
    const destroy = ["destroy", "-auto-approve", "-input=false", "-no-color", "-refresh=false", PARALLELISM];
    const options = { workspace: WORKSPACE, env: terraformEnv };

    // Act: as deployed (prevent_destroy), then synthesized for a teardown (METRICCARE_ALLOW_DESTROY=1 in the README).
    const refused = await runTerraform(tool!, stack.dir, destroy, options);
    cpSync(synthStackDirectory(config, await bundleClone(), clone, { allowDestroy: true }), stack.dir, { recursive: true });
    // Resources moto cannot delete leave the state first (MOTO_UNDELETABLE says why); AWS deletes them with the rest.
    const listed = await terraformOk(tool!, stack.dir, ["state", "list"], { workspace: WORKSPACE });
    const undeletable = listed.stdout
      .split("\n")
      .filter((address) => MOTO_UNDELETABLE.some((gap) => address.startsWith(`${gap.resourceType}.`)));
    // state rm writes its backup beside the working directory's default workspace folder, whatever the backend's path.
    mkdirSync(join(stack.dir, "terraform.tfstate.d", WORKSPACE), { recursive: true });
    await terraformOk(tool!, stack.dir, ["state", "rm", ...undeletable], { workspace: WORKSPACE });
    const first = await runTerraform(tool!, stack.dir, destroy, options);
    // moto delivers server access logs as S3 does, and the log bucket (force_destroy false) keeps
    // them; with every logged bucket gone, its objects are removed through the API.
    const removedLogs = emptyBucket(moto.endpoint, bucket("access-logs"));
    await terraformOk(tool!, stack.dir, destroy, options);
    const state = await terraformOk(tool!, stack.dir, ["state", "list"], { workspace: WORKSPACE });
    const buckets = await emulatorCall(moto.endpoint, "s3", "/");
    const functions = JSON.parse(await emulatorCall(moto.endpoint, "lambda", "/2015-03-31/functions/")) as { Functions: unknown[] };
    record("deployer-destroy", "terraform destroy of workspace dev after the teardown synth", deployer);

    // Assess
    expect(undeletable).toHaveLength(6);
    expect(refused.status).toBe(1);
    expect(refused.stderr.replace(/[\s│]+/g, " ")).toContain(
      "has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed",
    );
    expect(first.status).toBe(1);
    expect(first.stderr.replace(/[\s│]+/g, " ")).toContain(`deleting S3 Bucket (${bucket("access-logs")})`);
    expect(first.stderr).toContain("BucketNotEmpty");
    expect(removedLogs).toBeGreaterThan(0);
    expect(state.stdout.trim()).toBe("");
    expect(buckets).not.toContain(`<Name>${config.bucketNamePrefix}-`);
    expect(functions.Functions).toEqual([]);
  }, 600_000);
});
