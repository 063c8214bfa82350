import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startMotoServer, type MotoServer } from "../../toolchain/moto/moto-server";
import { EMULATOR_CREDENTIALS } from "../../toolchain/terraform/emulator-override";
import { terraformOk } from "../../toolchain/terraform/terraform";
import { prepareStack } from "../../toolchain/terraform/terraform-stack";
import { journeyConfig } from "../support/journeys/journey-config";
import { PROJECT_ROOT } from "../support/metriccare-stack";
import { cleanClone } from "../support/project-clone";
import { fixtureFunctionBundle, tempDirectory } from "../support/test-context";
import { PARALLELISM, planJson, synthStackDirectory, terraformForTests } from "./terraform-support";

// A refactor of the stack must replace no cloud resource. The stack of BASE (the last commit before
// the stack became domains, issue 29) is applied to moto; the current stack, with the same code and
// configuration, is then planned against that state: no resource may be destroyed or replaced.
// Update BASE to the commit before the next refactor that moves constructs.

const BASE = "4f3aba16fc4f92e7d4a271e6576c1d7d3bf3c790";
const WORKSPACE = "dev";
const tool = terraformForTests();
const describeWithTerraform = tool ? describe : describe.skip;

/** Synthesizes BASE's stack in `clone` with this checkout's code and configuration, and returns its folder. */
function synthAtBase(clone: string, bundle: ReturnType<typeof fixtureFunctionBundle>): string {
  const outdir = tempDirectory("metriccare-base-synth-");
  // BASE's own modules and stack, fed the sources of this checkout (same ZIPs, same objects).
  const script = join(clone, "synth-at-base.ts");
  writeFileSync(
    script,
    [
      'import { App } from "cdktf";',
      'import { validateConfig } from "./config/validate-config";',
      'import { MetricCareStack } from "./stacks/metriccare-stack";',
      "const [outdir, sources, config] = process.argv.slice(2).map((a) => JSON.parse(a));",
      "const app = new App({ outdir, stackTraces: false });",
      'new MetricCareStack(app, "metriccare", { config: validateConfig(config), sources });',
      "app.synth();",
    ].join("\n"),
  );
  const sources = {
    glueJobsDirectory: join(PROJECT_ROOT, "etl", "jobs"),
    gluePythonPackageDirectory: join(PROJECT_ROOT, "etl", "metriccare_etl"),
    etlConfigDirectory: join(PROJECT_ROOT, "etl", "config"),
    athenaQueriesDirectory: join(PROJECT_ROOT, "etl", "athena"),
    stagingDirectory: tempDirectory(),
    glueTriggerBundle: bundle,
  };
  const result = spawnSync(
    process.execPath,
    ["scripts/run-ts.cjs", script, JSON.stringify(outdir), JSON.stringify(sources), JSON.stringify(journeyConfig())],
    { cwd: clone, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`Synth at ${BASE} failed: ${result.stderr}`);
  return join(outdir, "stacks", "metriccare");
}

/** `type.name` of every resource in a synthesized stack. */
function resourceAddresses(stackFile: string): Set<string> {
  const resources = (JSON.parse(readFileSync(stackFile, "utf8")) as { resource: Record<string, Record<string, unknown>> }).resource;
  return new Set(Object.entries(resources).flatMap(([type, named]) => Object.keys(named).map((name) => `${type}.${name}`)));
}

describeWithTerraform("a refactor replaces no cloud resource", () => {
  let moto: MotoServer;

  beforeAll(async () => {
    if (tool) moto = await startMotoServer(PROJECT_ROOT);
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
  }, 60_000);

  it(`plans no destroy and no replacement against the state ${BASE.slice(0, 7)}'s stack left in ${WORKSPACE}`, async () => {
    // Prepare
    const clone = cleanClone();
    const checkout = spawnSync("git", ["checkout", "--quiet", BASE], { cwd: clone, encoding: "utf8" });
    if (checkout.status !== 0) throw new Error(`git checkout ${BASE} failed: ${checkout.stderr}`);
    const bundle = fixtureFunctionBundle();
    const stateDirectory = tempDirectory("metriccare-moved-state-");
    const options = { stateDirectory, emulatorEndpoint: moto.endpoint };
    const env = { ...EMULATOR_CREDENTIALS, AWS_REGION: journeyConfig().awsRegion };
    const base = await prepareStack(tool!, synthAtBase(clone, bundle), join(tempDirectory("metriccare-base-"), "stack"), options);
    const baseAddresses = resourceAddresses(join(base.dir, "cdk.tf.json"));
    await terraformOk(tool!, base.dir, ["workspace", "select", "-or-create", "-no-color", WORKSPACE]);
    await terraformOk(tool!, base.dir, ["apply", "-auto-approve", "-input=false", "-no-color", PARALLELISM], { workspace: WORKSPACE, env });
    const current = await prepareStack(
      tool!,
      synthStackDirectory(journeyConfig(), bundle),
      join(tempDirectory("metriccare-current-"), "stack"),
      options,
    );

    // Act
    const { plan } = await planJson(tool!, current.dir, WORKSPACE, { name: "moved", args: ["-refresh=false"] });

    // Assess
    const destructive = (plan.resource_changes ?? [])
      .filter((c) => c.change.actions.includes("delete"))
      .map((c) => `${c.address}: ${c.change.actions.join("+")}`);
    expect(destructive).toEqual([]);
    // Resources added since BASE are created; a resource BASE had must never be created again.
    const created = (plan.resource_changes ?? []).filter((c) => c.change.actions.includes("create")).map((c) => c.address);
    expect(created.filter((address) => baseAddresses.has(address.replace(/\[\d+\]$/, "")))).toEqual([]);
  }, 600_000);
});
