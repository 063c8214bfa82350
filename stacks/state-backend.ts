import { LocalBackend, S3Backend } from "cdktf";
import type { Construct } from "constructs";
import { existsSync, lstatSync, mkdirSync, symlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { MetricCareValidationError } from "../modules/shared/errors";
import { validatePattern } from "../modules/shared/validation";

/** Where Terraform keeps state when it is not local. */
export interface S3StateSettings {
  /** Existing, versioned bucket for state files. */
  readonly bucket: string;
  /** Region of the state bucket. */
  readonly region: string;
  /** State object key (each workspace gets `workspaces/<name>/<key>`). */
  readonly key: string;
  /** KMS key for the state objects; SSE-S3 when absent. */
  readonly kmsKeyId?: string;
}

/**
 * Reads the S3 backend from `METRICCARE_STATE_BUCKET` (and optional `METRICCARE_STATE_REGION`,
 * `METRICCARE_STATE_KEY`, `METRICCARE_STATE_KMS_KEY_ID`); none set means local state.
 */
export function stateSettingsFromEnvironment(env: NodeJS.ProcessEnv, defaultRegion: string): S3StateSettings | undefined {
  const bucket = env.METRICCARE_STATE_BUCKET;
  if (bucket === undefined || bucket === "") {
    const stray = ["METRICCARE_STATE_REGION", "METRICCARE_STATE_KEY", "METRICCARE_STATE_KMS_KEY_ID"].find((name) => env[name]);
    if (stray)
      throw new MetricCareValidationError(
        "State backend",
        `\`${stray}\` is set but \`METRICCARE_STATE_BUCKET\` is not; set the bucket too, or unset ${stray} for local state.`,
      );
    return undefined;
  }
  validatePattern("State backend", "METRICCARE_STATE_BUCKET", bucket, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name");
  return {
    bucket,
    region: env.METRICCARE_STATE_REGION || defaultRegion,
    key: env.METRICCARE_STATE_KEY || "metriccare/terraform.tfstate",
    kmsKeyId: env.METRICCARE_STATE_KMS_KEY_ID || undefined,
  };
}

/** Configures the S3 backend with native S3 locking (`use_lockfile`, Terraform 1.10+) and one state per workspace. */
export function useS3Backend(stack: Construct, settings: S3StateSettings): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: settings.bucket,
    key: settings.key,
    region: settings.region,
    encrypt: true,
    kmsKeyId: settings.kmsKeyId,
    workspaceKeyPrefix: "workspaces",
  });
  // cdktf 0.21 predates `use_lockfile`; the override writes it into the backend block.
  backend.addOverride("use_lockfile", true);
  return backend;
}

/** The local state file, in the project root. */
export const LOCAL_STATE_FILE = "terraform.metriccare.tfstate";

/** The folder of the local state's workspaces (`<folder>/<workspace>/terraform.tfstate`), in the project root. */
export const LOCAL_WORKSPACE_DIRECTORY = "terraform.metriccare.tfstate.d";

/** Where Terraform's state commands write their backups of a named workspace, relative to the stack folder. */
const STATE_COMMAND_BACKUP_DIRECTORY = "terraform.tfstate.d";

/**
 * Local state outside cdktf.out/ (which is build output): `terraform.metriccare.tfstate` and, per
 * workspace, `terraform.metriccare.tfstate.d/<workspace>/`, in `directory`, given relative to the
 * synthesized stack folder where Terraform runs, so the JSON names no machine-specific path.
 */
export function useLocalBackend(stack: Construct, directory: string): LocalBackend {
  return new LocalBackend(stack, {
    path: `${directory}/${LOCAL_STATE_FILE}`,
    workspaceDir: `${directory}/${LOCAL_WORKSPACE_DIRECTORY}`,
  });
}

/**
 * Makes `terraform state rm`/`mv` work in named workspaces of the local backend: they write their
 * backup to `terraform.tfstate.d/<workspace>/` under the stack folder whatever the backend's
 * `workspace_dir` (hashicorp/terraform#33426) and fail where that folder is missing. A link there to
 * the workspace folder puts each backup beside the state it copies. Returns whether it made the link.
 * @param stackDirectory the synthesized stack folder
 * @param localStateDirectory the folder holding the local state (the project root)
 */
export function linkStateCommandBackups(stackDirectory: string, localStateDirectory: string): boolean {
  const link = join(stackDirectory, STATE_COMMAND_BACKUP_DIRECTORY);
  if (existsSync(link) || isDanglingLink(link)) return false;
  // Made now (Terraform would make it with the first named workspace): a dangling link trips tools that walk the folder.
  const target = join(localStateDirectory, LOCAL_WORKSPACE_DIRECTORY);
  mkdirSync(target, { recursive: true });
  // Relative, so the link survives a moved checkout; a junction on Windows needs no privilege (elsewhere the type is ignored).
  symlinkSync(relative(stackDirectory, target), link, "junction");
  return true;
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
