import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheRoot } from "../cache";
import { emulatorOverride } from "./emulator-override";
import {
  mergeOverrides,
  providerOverride,
  unsupportedArguments,
  type ProvidersSchema,
  type TerraformJsonObject,
  type UnsupportedArgument,
} from "./provider-override";
import { BINDINGS_PROVIDER_VERSION, terraformOk, type TerraformToolchain } from "./terraform";

/** The override file the test copies get; Terraform reads `*_override.tf.json` after the other files. */
export const OVERRIDE_FILE = "metriccare_override.tf.json";

/** A copy of a synthesized stack, initialized and ready for `plan`. */
export interface PreparedStack {
  /** The copy (`cdk.tf.json`, `assets/`, the override, `.terraform/`). */
  readonly dir: string;
  /** The arguments the override removes because the mirror's provider lacks them. */
  readonly unsupported: readonly UnsupportedArgument[];
  /** The override written into the copy. */
  readonly override: TerraformJsonObject;
}

/** Options of {@link prepareStack}. */
export interface PrepareStackOptions {
  /** Folder of the local state (`terraform.tfstate`, `workspaces/<name>/`); several copies may share one. */
  readonly stateDirectory: string;
  /**
   * The emulator (moto) to point the provider at.
   * @default - none: the provider is configured as synthesized
   */
  readonly emulatorEndpoint?: string;
}

/**
 * Copies the synthesized stack folder `stackDir` (which it never writes to) into `dir`, adds the
 * test-only override (provider version, arguments the provider lacks, local state, the emulator)
 * and runs `terraform init` against the mirror.
 */
export async function prepareStack(
  tool: TerraformToolchain,
  stackDir: string,
  dir: string,
  options: PrepareStackOptions,
): Promise<PreparedStack> {
  cpSync(stackDir, dir, { recursive: true });
  const json = JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as TerraformJsonObject;
  const base = mergeOverrides(
    { terraform: { required_providers: { aws: { source: "hashicorp/aws", version: tool.providerVersion } } } },
    {
      terraform: {
        backend: {
          local: { path: join(options.stateDirectory, "terraform.tfstate"), workspace_dir: join(options.stateDirectory, "workspaces") },
        },
      },
    },
    options.emulatorEndpoint ? emulatorOverride(json, options.emulatorEndpoint) : {},
  );
  writeFileSync(join(dir, OVERRIDE_FILE), JSON.stringify(base, null, 2));
  await terraformOk(tool, dir, ["init", "-input=false", "-no-color"]);
  const unsupported =
    tool.providerVersion === BINDINGS_PROVIDER_VERSION ? [] : unsupportedArguments(json, await providersSchema(tool, dir));
  const override = mergeOverrides(base, providerOverride(json, unsupported, tool.providerVersion));
  writeFileSync(join(dir, OVERRIDE_FILE), JSON.stringify(override, null, 2));
  return { dir, unsupported, override };
}

/**
 * The test-only override for a stack folder the cdktf CLI itself runs Terraform in
 * (`cdktf.out/stacks/<stack>`), which it never initializes: the emulator's endpoints and the arguments
 * the mirror's provider lacks, as {@link prepareStack} finds them on an initialized copy, with the
 * local backend as synthesized. The version constraint admits the bindings' version too
 * (`>= <mirror's version>`): cdktf compares the lock file's constraints with the JSON's pinned
 * version and, finding them apart, would run `terraform providers lock` on every command, which no
 * user with the bindings' provider in a mirror sees.
 */
export async function cdktfCliOverride(tool: TerraformToolchain, stackDir: string, emulatorEndpoint: string): Promise<TerraformJsonObject> {
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as TerraformJsonObject;
  const scratch = mkdtempSync(join(tmpdir(), "metriccare-schema-"));
  const { unsupported } = await prepareStack(tool, stackDir, join(scratch, "stack"), { stateDirectory: join(scratch, "state") });
  const constraint = tool.providerVersion === BINDINGS_PROVIDER_VERSION ? tool.providerVersion : `>= ${tool.providerVersion}`;
  return mergeOverrides(emulatorOverride(json, emulatorEndpoint), providerOverride(json, unsupported, tool.providerVersion, constraint));
}

/** `terraform providers schema -json` of an initialized `dir`, cached per provider version (13 MB, ~4 s). */
export async function providersSchema(tool: TerraformToolchain, dir: string): Promise<ProvidersSchema> {
  const cacheDir = join(cacheRoot(), "terraform");
  const cached = join(cacheDir, `schema-aws-${tool.providerVersion}.json`);
  if (!existsSync(cached)) {
    const { stdout } = await terraformOk(tool, dir, ["providers", "schema", "-json"]);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(`${cached}.tmp`, stdout);
    cpSync(`${cached}.tmp`, cached);
  }
  return JSON.parse(readFileSync(cached, "utf8")) as ProvidersSchema;
}
