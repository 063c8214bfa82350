import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startMotoServer, type MotoServer } from "../../toolchain/moto/moto-server";
import { MOTO_ONE_ENVIRONMENT_PER_SERVER, MOTO_UNDELETABLE } from "../../toolchain/terraform/moto-gaps";
import { runTerraform, terraformOk, type TerraformToolchain } from "../../toolchain/terraform/terraform";
import { cdktfCliOverride, OVERRIDE_FILE } from "../../toolchain/terraform/terraform-stack";
import { PROJECT_ROOT } from "../support/metriccare-stack";
import { cleanClone } from "../support/project-clone";
import { tempDirectory } from "../support/test-context";
import { cdktfEnvironment, changesInPlanText, closedPort, runCommand, stopAllCommands, type CommandResult } from "./cdktf-cli-support";
import { changes, emulatorRequest, secondPlanDeviations, terraformForTests, type PlanJson } from "./terraform-support";

// The deploy path as users run it: the real cdktf CLI (`npx cdktf synth|diff|deploy|destroy metriccare`)
// in a clean clone with the shipped configuration, offline (Terraform's AWS provider from the filesystem
// mirror, every other host unreachable), against moto on 127.0.0.1. The one test-only file is the
// override in the stack folder (toolchain/terraform/terraform-stack.ts, cdktfCliOverride): moto's
// endpoints and the mirror's older provider. moto cannot hold two environments (MOTO_ONE_ENVIRONMENT_PER_SERVER),
// so staging runs on its own server, in a copy of the project taken after dev's deploy: its state folder
// holds dev's workspace as the user's would. dev's checks and teardown and staging's deploys then run side by side.

const tool = terraformForTests();
const describeWithTerraform = tool ? describe : describe.skip;

const STACK = "metriccare";
const REGION = "us-east-1"; // the shipped configuration's awsRegion
const stackFolder = (project: string): string => join(project, "cdktf.out", "stacks", STACK);
/** Resources of dev that moto cannot delete (MOTO_UNDELETABLE): five named queries and the workgroup. */
const UNDELETABLE_IN_DEV = 6;

/** What staging's commands returned: its first deploy and the second one. */
interface StagingRun {
  readonly deploy: CommandResult;
  readonly second: CommandResult;
}

/** One environment's project folder and emulator. */
interface Environment {
  readonly project: string;
  readonly moto: MotoServer;
}

/** The resources the synthesized JSON creates in `workspace`: every block, those with count/for_each as the workspace's settings say. */
function expectedResources(stackJson: Record<string, unknown>, workspace: string): number {
  const resources = stackJson.resource as Record<string, Record<string, Record<string, unknown>>>;
  const settings = (
    stackJson.locals as {
      environments: Record<
        string,
        { alertEmails: string[]; manageDataCatalogEncryption: boolean; quality: { maxHoursWithoutNewFiles: number } }
      >;
    }
  ).environments[workspace];
  let count = 0;
  for (const [type, blocks] of Object.entries(resources)) {
    for (const block of Object.values(blocks)) {
      if (!("count" in block) && !("for_each" in block)) count += 1;
      else if (type === "aws_sns_topic_subscription") count += settings.alertEmails.length;
      else if (type === "aws_glue_data_catalog_encryption_settings") count += settings.manageDataCatalogEncryption ? 1 : 0;
      // The silent-feed alarm, only where its window is set.
      else if (type === "aws_cloudwatch_metric_alarm") count += settings.quality.maxHoursWithoutNewFiles >= 1 ? 1 : 0;
      else throw new Error(`${type} has count or for_each: say here how many it makes`);
    }
  }
  return count;
}

/** Managed resources in a workspace's state. */
async function stateList(t: TerraformToolchain, project: string, workspace: string): Promise<string[]> {
  const { stdout } = await terraformOk(t, stackFolder(project), ["state", "list"], { workspace });
  return stdout
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("data."))
    .sort();
}

describeWithTerraform("the cdktf CLI against the emulator (moto), offline, per workspace", () => {
  let env: NodeJS.ProcessEnv;
  let dev: Environment;
  let staging: Environment | undefined;
  let stagingMoto: MotoServer;
  let stackJson: Record<string, unknown>;
  let synth: CommandResult;
  let stagingRun: Promise<StagingRun> | undefined;
  const stagingResults = (): Promise<StagingRun> =>
    stagingRun ?? Promise.reject(new Error("staging starts after dev's deploy, which failed"));

  const cdktf = (project: string, args: readonly string[], extra: Record<string, string> = {}, timeoutSeconds = 420) =>
    runCommand("npx", ["cdktf", ...args], project, { env: { ...env, ...extra }, timeoutSeconds });
  const failure = (result: CommandResult): string =>
    `exit ${String(result.status)} after ${result.seconds.toFixed(0)} s:\n${result.output.slice(-4000)}`;

  beforeAll(async () => {
    if (!tool) return;
    const [devMoto, secondMoto, port] = await Promise.all([startMotoServer(PROJECT_ROOT), startMotoServer(PROJECT_ROOT), closedPort()]);
    stagingMoto = secondMoto;
    env = cdktfEnvironment({ tool, deadProxyPort: port, region: REGION });
    dev = { project: cleanClone(), moto: devMoto };
    synth = await cdktf(dev.project, ["synth"], {}, 120);
    if (synth.status !== 0) throw new Error(`npx cdktf synth failed: ${failure(synth)}`);
    stackJson = JSON.parse(readFileSync(join(stackFolder(dev.project), "cdk.tf.json"), "utf8")) as Record<string, unknown>;
    const override = await cdktfCliOverride(tool, stackFolder(dev.project), dev.moto.endpoint);
    writeFileSync(join(stackFolder(dev.project), OVERRIDE_FILE), JSON.stringify(override, null, 2));
  }, 300_000);

  // Two moto servers that served hundreds of requests take a while to stop on a busy machine.
  afterAll(async () => {
    await stopAllCommands();
    await Promise.all([dev?.moto.stop(), stagingMoto?.stop()]);
  }, 120_000);

  it("synthesizes with npx cdktf synth, which needs no workspace and prepares no Terraform run", () => {
    // Assess
    expect(synth.output).toContain(`Synthesized stack "${STACK}" to cdktf.out/stacks/${STACK}/cdk.tf.json`);
    expect(synth.output).toContain(`Next:\n  TF_WORKSPACE=dev npx cdktf deploy ${STACK}`);
    expect(synth.output).not.toContain("Target:");
    expect(existsSync(join(stackFolder(dev.project), ".terraform.lock.hcl"))).toBe(false);
  });

  it("deploys dev from the fresh checkout: the workspace created, the lock written from the mirror, every resource applied", async () => {
    // Act
    const deploy = await cdktf(dev.project, ["deploy", STACK, "--auto-approve"], { TF_WORKSPACE: "dev" });
    if (deploy.status === 0) stagingRun = startStaging();

    // Assess
    expect(deploy.status === 0 ? "" : failure(deploy)).toBe("");
    expect(deploy.output).toContain('Target: Terraform workspace "dev" (TF_WORKSPACE), the MetricCare environment dev.');
    expect(deploy.output).toContain('Created the Terraform workspace "dev" (terraform.metriccare.tfstate.d/dev/)');
    expect(deploy.output).toContain(`Provider lock: wrote .terraform.lock.hcl from the filesystem mirror ${tool!.mirror}`);
    expect(deploy.output).not.toContain("Could not retrieve providers for locking");
    expect(deploy.output).toContain(`Apply complete! Resources: ${expectedResources(stackJson, "dev")} added, 0 changed, 0 destroyed.`);
    expect(await stateList(tool!, dev.project, "dev")).toHaveLength(expectedResources(stackJson, "dev"));
  }, 480_000);

  /** Staging, in a copy of the project taken now (dev's state in it), on its own moto server. */
  function startStaging(): Promise<StagingRun> {
    const project = join(tempDirectory("metriccare-staging-"), "repo");
    cpSync(dev.project, project, { recursive: true, verbatimSymlinks: true });
    const override = join(stackFolder(project), OVERRIDE_FILE);
    writeFileSync(override, readFileSync(override, "utf8").split(dev.moto.endpoint).join(stagingMoto.endpoint));
    staging = { project, moto: stagingMoto };
    const run = (async () => {
      const deploy = await cdktf(project, ["deploy", STACK, "--auto-approve"], { TF_WORKSPACE: "staging" });
      if (deploy.status !== 0) throw new Error(`TF_WORKSPACE=staging npx cdktf deploy failed: ${failure(deploy)}`);
      const second = await cdktf(project, ["deploy", STACK, "--auto-approve"], { TF_WORKSPACE: "staging" });
      return { deploy, second };
    })();
    run.catch(() => undefined); // awaited by the staging tests; this only avoids an early unhandled rejection
    return run;
  }

  describe("dev", () => {
    it("refuses cdktf diff without TF_WORKSPACE, naming the workspace selected by hand earlier, before any Terraform run", async () => {
      // Prepare: the README's plain-Terraform path leaves a selected workspace behind.
      await terraformOk(tool!, stackFolder(dev.project), ["workspace", "select", "dev"]);

      // Act
      const diff = await cdktf(dev.project, ["diff", STACK], {}, 120);

      // Assess
      expect(diff.status).toBe(1);
      expect(diff.output).toContain(
        `cdktf diff refused: TF_WORKSPACE is not set, so Terraform would act on the workspace "dev", selected in cdktf.out/stacks/${STACK} by an earlier command, not by this one. Name the environment on the command: TF_WORKSPACE=<dev|staging|prod> npx cdktf diff ${STACK}.`,
      );
      expect(diff.output).not.toContain("Initializing the backend");
      expect(existsSync(join(stackFolder(dev.project), "plan"))).toBe(false);
    }, 180_000);

    it("cdktf diff of dev right after its deploy plans nothing but the documented moto gaps", async () => {
      // Act: cdktf diff leaves its plan in the stack folder ("-out plan").
      const diff = await cdktf(dev.project, ["diff", STACK], { TF_WORKSPACE: "dev" });
      const shown = await terraformOk(tool!, stackFolder(dev.project), ["show", "-json", "plan"], { workspace: "dev" });

      // Assess
      expect(diff.status === 0 ? "" : failure(diff)).toBe("");
      expect(diff.output).toContain('Target: Terraform workspace "dev" (TF_WORKSPACE), the MetricCare environment dev.');
      expect(secondPlanDeviations(changes(JSON.parse(shown.stdout) as PlanJson))).toEqual({ notUpdates: [], notGaps: [], gapsNotSeen: [] });
    }, 300_000);

    it("moto gap: DescribeTrails ignores its name filter (hence one server per environment)", async () => {
      // Act: dev's server holds dev's trail only; ask it for staging's.
      const answer = JSON.parse(
        await emulatorRequest(dev.moto.endpoint, REGION, "cloudtrail", "/", {
          target: "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails",
          body: { trailNameList: ["metriccare_data_events_staging"] },
        }),
      ) as { trailList: { Name: string }[] };

      // Assess: AWS answers an empty list for a name it does not know.
      expect(MOTO_ONE_ENVIRONMENT_PER_SERVER.map((gap) => gap.resourceType)).toEqual(["aws_cloudtrail"]);
      expect(answer.trailList.map((trail) => trail.Name)).toEqual(["metriccare_data_events_dev"]);
    });

    it("runs terraform state mv and state rm in the dev workspace, with the backups beside its state", async () => {
      // Prepare
      const before = await stateList(tool!, dev.project, "dev");
      const undeletable = before.filter((address) => MOTO_UNDELETABLE.some((gap) => address.startsWith(`${gap.resourceType}.`)));
      const [first, ...rest] = undeletable;
      const moved = `${first.split(".")[0]}.moved_by_the_test`;
      const backups = (): string[] =>
        readdirSync(join(dev.project, "terraform.metriccare.tfstate.d", "dev")).filter((file) => file.endsWith(".backup"));
      const backupsBefore = backups().length;

      // Act: as the README shows them, in the stack folder with TF_WORKSPACE.
      const mv = await runTerraform(tool!, stackFolder(dev.project), ["state", "mv", first, moved], { workspace: "dev" });
      // The resources moto cannot delete leave the state before the teardown (MOTO_UNDELETABLE says why).
      const rm = await runTerraform(tool!, stackFolder(dev.project), ["state", "rm", moved, ...rest], { workspace: "dev" });

      // Assess
      expect(undeletable).toHaveLength(UNDELETABLE_IN_DEV);
      expect([mv.status, mv.stderr]).toEqual([0, ""]);
      expect([rm.status, rm.stderr]).toEqual([0, ""]);
      expect(rm.stdout).toContain("Successfully removed 6 resource instance(s).");
      expect(await stateList(tool!, dev.project, "dev")).toEqual(before.filter((address) => !undeletable.includes(address)));
      // Terraform names a backup after the second it is written in: two commands in one second share one.
      expect(backups().length - backupsBefore).toBeGreaterThanOrEqual(1);
    }, 120_000);

    it("refuses cdktf destroy of the protected output, naming METRICCARE_ALLOW_DESTROY=1, and destroys nothing", async () => {
      // Prepare
      const before = await stateList(tool!, dev.project, "dev");

      // Act
      const destroy = await cdktf(dev.project, ["destroy", STACK, "--auto-approve"], { TF_WORKSPACE: "dev" }, 120);

      // Assess
      expect(destroy.status).toBe(1);
      expect(destroy.output).toContain(
        `cdktf destroy refused: the synthesized stack keeps lifecycle.prevent_destroy on the buckets, the PHI and audit keys and the processed-files table, so Terraform would stop with "Instance cannot be destroyed". To tear down dev, leave it out for this one command: TF_WORKSPACE=dev METRICCARE_ALLOW_DESTROY=1 npx cdktf destroy ${STACK}, then run npm run synth`,
      );
      expect(await stateList(tool!, dev.project, "dev")).toEqual(before);
    }, 180_000);

    it("tears down dev as the README documents, warning while the output is unprotected, then npm run synth protects it again", async () => {
      // Prepare
      const before = await stateList(tool!, dev.project, "dev");
      const teardown = () =>
        cdktf(dev.project, ["destroy", STACK, "--auto-approve"], { TF_WORKSPACE: "dev", METRICCARE_ALLOW_DESTROY: "1" });

      // Act
      const first = await teardown();
      // The README's note: S3 may deliver the other buckets' access logs after Terraform emptied the log bucket; run it again.
      const again = first.status !== 0 && first.output.includes("BucketNotEmpty") ? await teardown() : undefined;
      const protect = await runCommand("npm", ["run", "synth"], dev.project, { env, timeoutSeconds: 120 });
      const buckets = await emulatorRequest(dev.moto.endpoint, REGION, "s3", "/");

      // Assess
      const last = again ?? first;
      expect(last.status === 0 ? "" : failure(last)).toBe("");
      expect(first.output).toContain(
        `Warning: METRICCARE_ALLOW_DESTROY=1: cdktf.out/stacks/${STACK}/cdk.tf.json has no lifecycle.prevent_destroy`,
      );
      expect(last.output).toMatch(/Destroy complete! Resources: \d+ destroyed\./);
      expect(await stateList(tool!, dev.project, "dev")).toEqual([]);
      expect(before.length).toBe(expectedResources(stackJson, "dev") - UNDELETABLE_IN_DEV);
      expect(buckets).not.toContain("<Name>metriccare-");
      expect(protect.output).toContain(`Protection restored: cdktf.out/stacks/${STACK}/cdk.tf.json has lifecycle.prevent_destroy again.`);
      expect(readFileSync(join(stackFolder(dev.project), "cdk.tf.json"), "utf8")).toContain('"prevent_destroy": true');
    }, 900_000);
  });

  describe("staging", () => {
    it("deploys in a new workspace while dev has state: created up front, so cdktf's terraform init does not prompt", async () => {
      // Act
      const { deploy } = await stagingResults();
      const workspaces = await terraformOk(tool!, stackFolder(staging!.project), ["workspace", "list"]);

      // Assess
      expect(deploy.output).toContain('Created the Terraform workspace "staging" (terraform.metriccare.tfstate.d/staging/)');
      expect(deploy.output).not.toContain("Provider lock:"); // dev's deploy wrote it
      expect(deploy.output).toContain(
        `Apply complete! Resources: ${expectedResources(stackJson, "staging")} added, 0 changed, 0 destroyed.`,
      );
      expect(workspaces.stdout.replace(/\*/g, " ").split(/\s+/).filter(Boolean)).toEqual(["default", "dev", "staging"]);
    }, 900_000);

    it("plans nothing on a second deploy but the documented moto gaps, and applies just those", async () => {
      // Act
      const { second } = await stagingResults();
      const planned = changesInPlanText(second.output, STACK);

      // Assess
      expect(second.status === 0 ? "" : failure(second)).toBe("");
      expect(secondPlanDeviations(planned)).toEqual({ notUpdates: [], notGaps: [], gapsNotSeen: [] });
      expect(second.output).toContain(`Plan: 0 to add, ${planned.length} to change, 0 to destroy.`);
      expect(second.output).toContain(`Apply complete! Resources: 0 added, ${planned.length} changed, 0 destroyed.`);
    }, 900_000);
  });
});
