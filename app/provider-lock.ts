import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { DeployRefusedError } from "./errors";

/** The AWS provider as `.terraform.lock.hcl` and filesystem mirrors name it. */
export const AWS_PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws";

/** The lock file cdktf checks before it runs `terraform init`. */
export const LOCK_FILE = ".terraform.lock.hcl";

/** The CLI configuration Terraform reads: `TF_CLI_CONFIG_FILE`, else `~/.terraformrc` (`%APPDATA%\terraform.rc` on Windows). */
export function cliConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TF_CLI_CONFIG_FILE) return env.TF_CLI_CONFIG_FILE;
  return process.platform === "win32" ? join(env.APPDATA ?? homedir(), "terraform.rc") : join(homedir(), ".terraformrc");
}

/**
 * The filesystem mirrors Terraform installs providers from, in its order: the CLI configuration's
 * `filesystem_mirror` paths when it has a `provider_installation` block, else Terraform's implied
 * local mirrors (https://developer.hashicorp.com/terraform/cli/config/config-file#implied-local-mirror-directories).
 */
export function filesystemMirrors(cliConfig: string | undefined, stackDirectory: string, env: NodeJS.ProcessEnv = process.env): string[] {
  if (cliConfig !== undefined && /\bprovider_installation\s*\{/.test(cliConfig)) {
    return [...cliConfig.matchAll(/\bfilesystem_mirror\s*\{[^}]*?\bpath\s*=\s*"([^"]+)"/g)].map((match) => match[1] ?? "");
  }
  const home = homedir();
  const implied =
    process.platform === "darwin"
      ? [join(home, "Library", "Application Support", "io.terraform", "plugins"), "/Library/Application Support/io.terraform/plugins"]
      : process.platform === "win32"
        ? [join(env.APPDATA ?? home, "HashiCorp", "Terraform", "plugins")]
        : [
            join(env.XDG_DATA_HOME || join(home, ".local", "share"), "terraform", "plugins"),
            ...(env.XDG_DATA_DIRS || "/usr/local/share:/usr/share").split(":").map((dir) => join(dir, "terraform", "plugins")),
          ];
  return [join(stackDirectory, "terraform.d", "plugins"), join(home, ".terraform.d", "plugins"), ...implied];
}

/** The first of `mirrors` that holds the AWS provider (any version, packed or unpacked), or undefined. */
export function mirrorWithAwsProvider(mirrors: readonly string[]): string | undefined {
  return mirrors.find((mirror) => existsSync(join(mirror, AWS_PROVIDER_ADDRESS)));
}

/** The `constraints` the lock file records for the AWS provider, or undefined when it has no entry for it. */
export function lockedAwsConstraints(lockFile: string): string | undefined {
  const block = new RegExp(`provider\\s+"${AWS_PROVIDER_ADDRESS.replace(/\./g, "\\.")}"\\s*\\{([^}]*)\\}`).exec(lockFile)?.[1];
  if (block === undefined) return undefined;
  return /\bconstraints\s*=\s*"([^"]*)"/.exec(block)?.[1] ?? "";
}

function parseVersion(text: string): number[] {
  return text
    .split("-")[0]
    .split(".")
    .map((part) => Number(part));
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Whether `version` meets Terraform's version `constraints` (`"6.25.0"`, `">= 5.100.0, < 7.0.0"`,
 * `"~> 6.25"`): each comma-separated part must hold.
 */
export function versionSatisfies(version: string, constraints: string): boolean {
  const actual = parseVersion(version);
  return constraints
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .every((part) => {
      const [, operator = "=", wanted = ""] = /^(~>|>=|<=|!=|=|>|<)?\s*(\S+)$/.exec(part) ?? [];
      const bound = parseVersion(wanted);
      const order = compareVersions(actual, bound);
      switch (operator) {
        case "=":
          return order === 0;
        case "!=":
          return order !== 0;
        case ">":
          return order > 0;
        case ">=":
          return order >= 0;
        case "<":
          return order < 0;
        case "<=":
          return order <= 0;
        default: {
          // "~> 6.25" allows 6.25 up to 7.0; "~> 6.25.0" allows 6.25.x.
          const upper = bound.length > 1 ? [...bound.slice(0, -2), (bound[bound.length - 2] ?? 0) + 1] : [(bound[0] ?? 0) + 1];
          return order >= 0 && compareVersions(actual, upper) < 0;
        }
      }
    });
}

/**
 * Whether cdktf would leave the lock file alone: it runs `terraform providers lock` when the file is
 * missing or its AWS entry's constraints do not admit the version the JSON requires
 * (@cdktf/cli-core `CdktfStack.checkNeedsLockfileUpdate`).
 */
export function lockIsCurrent(lockFile: string | undefined, requiredVersion: string): boolean {
  const constraints = lockFile === undefined ? undefined : lockedAwsConstraints(lockFile);
  return constraints !== undefined && constraints !== "" && versionSatisfies(requiredVersion, constraints);
}

/** Terraform's name of this platform (`linux_amd64`, `darwin_arm64`). */
export function terraformPlatform(): string {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const arch = ({ x64: "amd64", ia32: "386" } as Record<string, string>)[process.arch] ?? process.arch;
  return `${os}_${arch}`;
}

/** Options of {@link lockProvidersFromMirror}. */
export interface LockFromMirrorOptions {
  /** The synthesized stack folder (holds `cdk.tf.json`). */
  readonly stackDirectory: string;
  /** The AWS provider version the JSON requires. */
  readonly requiredVersion: string;
  /** The Terraform cdktf runs: `TERRAFORM_BINARY_NAME`, else `terraform`. */
  readonly terraform: string;
  /**
   * The environment (CLI configuration, mirrors).
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Writes `.terraform.lock.hcl` from the filesystem mirror Terraform installs the AWS provider from,
 * when cdktf would otherwise rewrite it: cdktf then runs `terraform providers lock`, which ignores
 * the CLI configuration's mirrors and asks registry.terraform.io (hashicorp/terraform#35106), so
 * offline `cdktf diff`/`deploy` stop at "Could not retrieve providers for locking". Returns the line
 * to print, or undefined when there is nothing to do (lock current, or no mirror: the registry then serves).
 */
export function lockProvidersFromMirror(options: LockFromMirrorOptions): string | undefined {
  const env = options.env ?? process.env;
  const lockPath = join(options.stackDirectory, LOCK_FILE);
  const lock = existsSync(lockPath) ? readFileSync(lockPath, "utf8") : undefined;
  if (lockIsCurrent(lock, options.requiredVersion)) return undefined;
  const configFile = cliConfigFile(env);
  const cliConfig = existsSync(configFile) ? readFileSync(configFile, "utf8") : undefined;
  const mirror = mirrorWithAwsProvider(filesystemMirrors(cliConfig, options.stackDirectory, env).map((m) => resolve(m)));
  if (mirror === undefined) return undefined;
  const platform = terraformPlatform();
  const args = ["providers", "lock", `-fs-mirror=${mirror}`, `-platform=${platform}`, "-no-color"];
  const result = spawnSync(options.terraform, args, { cwd: options.stackDirectory, env, encoding: "utf8" });
  // No Terraform at all: the synth's missing-Terraform note says so, and cdktf cannot run anyway.
  if (result.error !== undefined && "code" in result.error && result.error.code === "ENOENT") return undefined;
  if (result.status !== 0) {
    const output = `${result.stderr ?? ""}${result.stdout ?? ""}`.trim() || String(result.error ?? "");
    throw new DeployRefusedError(
      "Provider lock",
      `"terraform ${args.join(" ")}" in ${options.stackDirectory} failed: ${output}\nThe CLI configuration (${configFile}) installs ${AWS_PROVIDER_ADDRESS} from the filesystem mirror ${mirror}; put version ${options.requiredVersion} there (terraform providers mirror), or run cdktf with --skip-provider-lock.`,
    );
  }
  return `Provider lock: wrote ${LOCK_FILE} from the filesystem mirror ${mirror} (${platform}); cdktf's own "terraform providers lock" ignores mirrors and would ask registry.terraform.io.`;
}
