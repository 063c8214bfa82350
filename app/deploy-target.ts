import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { runsTerraform, UNKNOWN_COMMAND } from "./cdktf-command";
import { DeployRefusedError } from "./errors";
import { LOCAL_WORKSPACE_DIRECTORY } from "../stacks/state-backend";

/** What {@link prepareDeployTarget} checks. */
export interface DeployTargetInput {
  /** The cdktf command running the app ({@link cdktfCommand}); undefined outside the cdktf CLI. */
  readonly command: string | undefined;
  /** The stack's name, as `cdktf deploy <stack>` takes it. */
  readonly stackName: string;
  /** The configured environments (workspaces). */
  readonly environments: readonly string[];
  /** The synthesized stack folder, where cdktf runs Terraform. */
  readonly stackDirectory: string;
  /**
   * The folder of the local state (holding `terraform.metriccare.tfstate.d/`).
   * @default - the state is in S3: nothing local to prepare
   */
  readonly localStateDirectory?: string;
  /** Whether this synth leaves `prevent_destroy` out (METRICCARE_ALLOW_DESTROY=1). */
  readonly allowDestroy: boolean;
  /** The working folder, for the paths the messages show. */
  readonly cwd: string;
  /**
   * The environment (TF_WORKSPACE, TF_DATA_DIR).
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
}

/** The workspace the stack folder's `.terraform/environment` selects (`terraform workspace select`), or undefined. */
export function selectedWorkspace(stackDirectory: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = join(stackDirectory, env.TF_DATA_DIR || ".terraform", "environment");
  return existsSync(file) ? readFileSync(file, "utf8").trim() || undefined : undefined;
}

/**
 * Before a cdktf command that runs Terraform (diff, deploy, destroy, output): refuses one whose
 * environment is not named by TF_WORKSPACE (Terraform would act on whatever workspace an earlier
 * command selected) and a destroy of the protected output; creates the local workspace folder that
 * cdktf's `terraform init` would otherwise stop at a prompt for. Returns the lines to print.
 */
export function prepareDeployTarget(input: DeployTargetInput): string[] {
  if (!runsTerraform(input.command)) return [];
  const env = input.env ?? process.env;
  const command = input.command === UNKNOWN_COMMAND ? "deploy" : (input.command ?? "deploy");
  const step = `cdktf ${command}`;
  const stackDir = relative(input.cwd, input.stackDirectory) || ".";
  const workspace = env.TF_WORKSPACE;
  const choices = input.environments.join("|");
  if (workspace === undefined || workspace === "") {
    const selected = selectedWorkspace(input.stackDirectory, env);
    const current =
      selected === undefined || selected === "default"
        ? `"default", which is no MetricCare environment`
        : `"${selected}", selected in ${stackDir} by an earlier command, not by this one`;
    throw new DeployRefusedError(
      step,
      `TF_WORKSPACE is not set, so Terraform would act on the workspace ${current}. Name the environment on the command: TF_WORKSPACE=<${choices}> npx cdktf ${command} ${input.stackName}. (cdktf synth and npm run synth need none.)`,
    );
  }
  if (command === "destroy" && !input.allowDestroy) {
    throw new DeployRefusedError(
      step,
      `the synthesized stack keeps lifecycle.prevent_destroy on the buckets, the PHI and audit keys and the processed-files table, so Terraform would stop with "Instance cannot be destroyed". To tear down ${workspace}, leave it out for this one command: TF_WORKSPACE=${workspace} METRICCARE_ALLOW_DESTROY=1 npx cdktf destroy ${input.stackName}, then run npm run synth to protect the output again (README, "Tearing down an environment").`,
    );
  }
  const lines = [`Target: Terraform workspace "${workspace}" (TF_WORKSPACE), the MetricCare environment ${workspace}.`];
  if (input.localStateDirectory !== undefined && workspace !== "default") {
    // Terraform's local backend lists a workspace per folder; init prompts for a missing one when others exist.
    const folder = join(input.localStateDirectory, LOCAL_WORKSPACE_DIRECTORY, workspace);
    if (!existsSync(folder)) {
      mkdirSync(folder, { recursive: true });
      lines.push(
        `Created the Terraform workspace "${workspace}" (${relative(input.cwd, folder)}/): cdktf's "terraform init" would otherwise stop at a prompt to select an existing workspace.`,
      );
    }
  }
  return lines;
}
