import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { UNKNOWN_COMMAND } from "../../app/cdktf-command";
import { prepareDeployTarget, selectedWorkspace, type DeployTargetInput } from "../../app/deploy-target";
import { DeployRefusedError } from "../../app/errors";
import { tempDirectory, writeFile } from "../support/test-context";

/** A project folder with its synthesized stack folder, as cdktf leaves them. */
function project(): { root: string; stack: string } {
  const root = tempDirectory("metriccare-target-");
  const stack = join(root, "cdktf.out", "stacks", "metriccare");
  mkdirSync(stack, { recursive: true });
  return { root, stack };
}

const input = (root: string, stack: string, overrides: Partial<DeployTargetInput> & { env: NodeJS.ProcessEnv }): DeployTargetInput => ({
  command: "deploy",
  stackName: "metriccare",
  environments: ["dev", "staging", "prod"],
  stackDirectory: stack,
  localStateDirectory: root,
  allowDestroy: false,
  cwd: root,
  ...overrides,
});

/** The message of what `act` throws, checking it is the deploy refusal. */
function refusal(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(DeployRefusedError);
    return `${(error as DeployRefusedError).step} refused: ${(error as Error).message}`;
  }
  throw new Error("expected a refusal");
}

describe("prepareDeployTarget", () => {
  it("refuses a deploy without TF_WORKSPACE, naming the workspace an earlier command selected", () => {
    // Prepare
    const { root, stack } = project();
    writeFile(mkdir(join(stack, ".terraform")), "environment", "prod");

    // Act
    const message = refusal(() => prepareDeployTarget(input(root, stack, { env: {} })));

    // Assess
    expect(message).toBe(
      'cdktf deploy refused: TF_WORKSPACE is not set, so Terraform would act on the workspace "prod", selected in cdktf.out/stacks/metriccare by an earlier command, not by this one. Name the environment on the command: TF_WORKSPACE=<dev|staging|prod> npx cdktf deploy metriccare. (cdktf synth and npm run synth need none.)',
    );
  });

  it("refuses a diff without TF_WORKSPACE in a fresh checkout, where Terraform would use default", () => {
    // Prepare
    const { root, stack } = project();

    // Act
    const message = refusal(() => prepareDeployTarget(input(root, stack, { command: "diff", env: {} })));

    // Assess
    expect(message).toContain(
      'cdktf diff refused: TF_WORKSPACE is not set, so Terraform would act on the workspace "default", which is no MetricCare environment.',
    );
  });

  it("treats a cdktf command it cannot read as a deploy", () => {
    // Prepare
    const { root, stack } = project();

    // Act
    const message = refusal(() => prepareDeployTarget(input(root, stack, { command: UNKNOWN_COMMAND, env: {} })));

    // Assess
    expect(message).toMatch(/^cdktf deploy refused: TF_WORKSPACE is not set/);
  });

  it("refuses cdktf destroy of the protected output, naming METRICCARE_ALLOW_DESTROY=1", () => {
    // Prepare
    const { root, stack } = project();

    // Act
    const message = refusal(() => prepareDeployTarget(input(root, stack, { command: "destroy", env: { TF_WORKSPACE: "dev" } })));
    const allowed = prepareDeployTarget(input(root, stack, { command: "destroy", allowDestroy: true, env: { TF_WORKSPACE: "dev" } }));

    // Assess
    expect(message).toBe(
      'cdktf destroy refused: the synthesized stack keeps lifecycle.prevent_destroy on the buckets, the PHI and audit keys and the processed-files table, so Terraform would stop with "Instance cannot be destroyed". To tear down dev, leave it out for this one command: TF_WORKSPACE=dev METRICCARE_ALLOW_DESTROY=1 npx cdktf destroy metriccare, then run npm run synth to protect the output again (README, "Tearing down an environment").',
    );
    expect(allowed[0]).toBe('Target: Terraform workspace "dev" (TF_WORKSPACE), the MetricCare environment dev.');
  });

  it("creates a missing local workspace folder once, and says so", () => {
    // Prepare
    const { root, stack } = project();
    const folder = join(root, "terraform.metriccare.tfstate.d", "staging");

    // Act
    const first = prepareDeployTarget(input(root, stack, { env: { TF_WORKSPACE: "staging" } }));
    const second = prepareDeployTarget(input(root, stack, { env: { TF_WORKSPACE: "staging" } }));

    // Assess
    expect(existsSync(folder)).toBe(true);
    expect(first).toEqual([
      'Target: Terraform workspace "staging" (TF_WORKSPACE), the MetricCare environment staging.',
      `Created the Terraform workspace "staging" (terraform.metriccare.tfstate.d/staging/): cdktf's "terraform init" would otherwise stop at a prompt to select an existing workspace.`,
    ]);
    expect(second).toEqual([first[0]]);
  });

  it("creates nothing for S3 state, and checks nothing for a synth or outside the cdktf CLI", () => {
    // Prepare
    const { root, stack } = project();

    // Act
    const s3 = prepareDeployTarget(input(root, stack, { localStateDirectory: undefined, env: { TF_WORKSPACE: "dev" } }));
    const synth = prepareDeployTarget(input(root, stack, { command: "synth", env: {} }));
    const plain = prepareDeployTarget(input(root, stack, { command: undefined, env: {} }));

    // Assess
    expect(s3).toEqual(['Target: Terraform workspace "dev" (TF_WORKSPACE), the MetricCare environment dev.']);
    expect(existsSync(join(root, "terraform.metriccare.tfstate.d"))).toBe(false);
    expect(synth).toEqual([]);
    expect(plain).toEqual([]);
  });
});

describe("selectedWorkspace", () => {
  it("reads .terraform/environment, or TF_DATA_DIR's", () => {
    // Prepare
    const { stack } = project();
    writeFile(mkdir(join(stack, "data")), "environment", "staging\n");

    // Act
    const fromDataDir = selectedWorkspace(stack, { TF_DATA_DIR: "data" });
    const none = selectedWorkspace(stack, {});

    // Assess
    expect(fromDataDir).toBe("staging");
    expect(none).toBeUndefined();
  });
});

function mkdir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
