import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { cacheRoot, ToolchainError, versionKey } from "../cache";

/** The AWS provider version the bindings (`@cdktf/provider-aws`) are generated from and the JSON pins. */
export const BINDINGS_PROVIDER_VERSION = "6.25.0";

/** Where Terraform keeps providers in a filesystem mirror (`<mirror>/<host>/<namespace>/<type>/<version>/<os_arch>/`). */
const AWS_PROVIDER_PATH = join("registry.terraform.io", "hashicorp", "aws");

/**
 * Mirrors searched after `METRICCARE_TF_PLUGIN_DIR` and `~/.terraform.d/plugins`: the project's
 * machine image (`/opt/tf-plugins`), then Terraform's implied local mirrors on Linux and macOS.
 */
const IMAGE_MIRRORS = ["/opt/tf-plugins", "/usr/local/share/terraform/plugins", "/usr/share/terraform/plugins"];

/** Terraform, its AWS provider from a filesystem mirror, and the CLI configuration that uses only that mirror. */
export interface TerraformToolchain {
  /** The `terraform` executable. */
  readonly terraform: string;
  /** Its version, e.g. `1.11.4`. */
  readonly terraformVersion: string;
  /** The filesystem mirror holding `registry.terraform.io/hashicorp/aws`. */
  readonly mirror: string;
  /** The AWS provider version the runs use: {@link BINDINGS_PROVIDER_VERSION} if the mirror has it, else its newest. */
  readonly providerVersion: string;
  /** The CLI configuration (`TF_CLI_CONFIG_FILE`): this mirror only, a shared plugin cache, no checkpoint calls. */
  readonly cliConfigFile: string;
}

/** The `terraform` on PATH (or `METRICCARE_TERRAFORM`), or undefined. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.METRICCARE_TERRAFORM) return existsSync(env.METRICCARE_TERRAFORM) ? env.METRICCARE_TERRAFORM : undefined;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "terraform");
    if (dir !== "" && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** AWS provider versions in `mirror` with a binary for this platform, oldest first. */
export function mirrorProviderVersions(mirror: string): string[] {
  const root = join(mirror, AWS_PROVIDER_PATH);
  if (!existsSync(root)) return [];
  const platform = `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;
  return readdirSync(root)
    .filter((version) => /^\d+\.\d+\.\d+$/.test(version))
    .filter((version) => {
      const dir = join(root, version, platform);
      return existsSync(dir) && readdirSync(dir).some((file) => file.startsWith("terraform-provider-aws"));
    })
    .sort(compareVersions);
}

/** The first mirror holding the AWS provider: `METRICCARE_TF_PLUGIN_DIR` (which must), `~/.terraform.d/plugins`, the image's. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.METRICCARE_TF_PLUGIN_DIR) {
    if (mirrorProviderVersions(env.METRICCARE_TF_PLUGIN_DIR).length === 0) {
      throw new ToolchainError(
        `METRICCARE_TF_PLUGIN_DIR is "${env.METRICCARE_TF_PLUGIN_DIR}", which holds no ${AWS_PROVIDER_PATH}/<version>/<os_arch>/terraform-provider-aws* binary; point it at a filesystem mirror (the folder that contains registry.terraform.io).`,
      );
    }
    return env.METRICCARE_TF_PLUGIN_DIR;
  }
  return [join(homedir(), ".terraform.d", "plugins"), ...IMAGE_MIRRORS].find((dir) => mirrorProviderVersions(dir).length > 0);
}

/** {@link BINDINGS_PROVIDER_VERSION} when available, else the newest version. */
export function chooseProviderVersion(versions: readonly string[]): string | undefined {
  return versions.includes(BINDINGS_PROVIDER_VERSION) ? BINDINGS_PROVIDER_VERSION : versions[versions.length - 1];
}

/**
 * Finds Terraform and the provider mirror and writes the CLI configuration into the cache
 * (`<cache>/terraform/`). Throws a {@link ToolchainError} naming what is missing and how to provide it.
 */
export function terraformToolchain(env: NodeJS.ProcessEnv = process.env): TerraformToolchain {
  const terraform = findTerraform(env);
  if (terraform === undefined) {
    throw new ToolchainError(
      "Terraform was not found on PATH (nor at METRICCARE_TERRAFORM). Install Terraform 1.10 or newer (https://developer.hashicorp.com/terraform/install) or set METRICCARE_TERRAFORM to its path.",
    );
  }
  const mirror = findProviderMirror(env);
  const providerVersion = mirror === undefined ? undefined : chooseProviderVersion(mirrorProviderVersions(mirror));
  if (mirror === undefined || providerVersion === undefined) {
    throw new ToolchainError(
      `No filesystem mirror with the hashicorp/aws provider: set METRICCARE_TF_PLUGIN_DIR to one (for example the .terraform/providers folder of a directory where "terraform init" ran against the registry), or put it in ~/.terraform.d/plugins; looked in ${[join(homedir(), ".terraform.d", "plugins"), ...IMAGE_MIRRORS].join(", ")}.`,
    );
  }
  const versionOutput = spawnSync(terraform, ["version", "-json"], { encoding: "utf8", env: { ...env, CHECKPOINT_DISABLE: "1" } });
  const terraformVersion = (JSON.parse(versionOutput.stdout || "{}") as { terraform_version?: string }).terraform_version;
  if (terraformVersion === undefined) throw new ToolchainError(`"${terraform} version -json" failed: ${versionOutput.stderr.trim()}`);

  const dir = join(cacheRoot(), "terraform");
  const pluginCache = join(dir, "plugin-cache");
  mkdirSync(pluginCache, { recursive: true });
  const config = [
    "# Written by toolchain/terraform/terraform.ts: providers from this mirror only, never the registry.",
    "disable_checkpoint = true",
    `plugin_cache_dir = ${JSON.stringify(pluginCache)}`,
    "provider_installation {",
    `  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/*"]\n  }`,
    '  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }',
    "}",
    "",
  ].join("\n");
  const cliConfigFile = join(dir, `cli-${versionKey(config)}.tfrc`);
  if (!existsSync(cliConfigFile)) writeFileSync(cliConfigFile, config);
  return { terraform, terraformVersion, mirror, providerVersion, cliConfigFile };
}

/** The result of a Terraform command. */
export interface TerraformResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runTerraform}. */
export interface RunTerraformOptions {
  /**
   * The workspace (`TF_WORKSPACE`).
   * @default - the directory's selected workspace
   */
  readonly workspace?: string;
  /**
   * More environment variables (fake AWS credentials for the emulator).
   * @default - none
   */
  readonly env?: Record<string, string>;
}

/**
 * Runs `terraform -chdir=<dir> <args>` with the toolchain's CLI configuration, no colour, no
 * prompts and no checkpoint calls; resolves with its exit status and output (it never rejects on
 * a non-zero status: callers assert on it).
 */
export function runTerraform(
  tool: TerraformToolchain,
  dir: string,
  args: readonly string[],
  options: RunTerraformOptions = {},
): Promise<TerraformResult> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("TF_") && !name.startsWith("AWS_")));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    TF_CLI_CONFIG_FILE: tool.cliConfigFile,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    ...(options.workspace ? { TF_WORKSPACE: options.workspace } : {}),
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(tool.terraform, [`-chdir=${dir}`, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (status) =>
      resolve({ status, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") }),
    );
  });
}

/** Like {@link runTerraform}, but rejects with the command and its output unless it exits with one of `okStatuses`. */
export async function terraformOk(
  tool: TerraformToolchain,
  dir: string,
  args: readonly string[],
  options: RunTerraformOptions & { okStatuses?: readonly number[] } = {},
): Promise<TerraformResult> {
  const started = performance.now();
  const result = await runTerraform(tool, dir, args, options);
  if (process.env.METRICCARE_TERRAFORM_TIMING)
    process.stderr.write(
      `terraform ${args.slice(0, 2).join(" ")} ${options.workspace ?? ""}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
  if (!(options.okStatuses ?? [0]).includes(result.status ?? -1)) {
    const tail = (text: string) => text.trim().split("\n").slice(-40).join("\n");
    throw new Error(`terraform ${args.join(" ")} exited with ${result.status} in ${dir}:\n${tail(result.stderr)}\n${tail(result.stdout)}`);
  }
  return result;
}

function compareVersions(a: string, b: string): number {
  const [pa, pb] = [a, b].map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) {
    const d = (pa?.[i] ?? 0) - (pb?.[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
