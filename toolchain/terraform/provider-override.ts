import { ToolchainError } from "../cache";
import { BINDINGS_PROVIDER_VERSION } from "./terraform";

/** The synthesized Terraform JSON, as far as the override reads it. */
export type TerraformJsonObject = Record<string, unknown>;

/** A block of `terraform providers schema -json`. */
interface SchemaBlock {
  readonly attributes?: Record<string, unknown>;
  readonly block_types?: Record<string, { readonly block: SchemaBlock }>;
}

/** The part of `terraform providers schema -json` the override reads. */
export interface ProvidersSchema {
  readonly provider_schemas: Record<
    string,
    {
      readonly resource_schemas?: Record<string, { readonly block: SchemaBlock }>;
      readonly data_source_schemas?: Record<string, { readonly block: SchemaBlock }>;
    }
  >;
}

/** An argument of the synthesized JSON that the provider's schema does not know. */
export interface UnsupportedArgument {
  /** `resource` or `data`. */
  readonly kind: "resource" | "data";
  /** Resource type, e.g. `aws_s3_bucket_server_side_encryption_configuration`. */
  readonly type: string;
  /** Resource name in the JSON. */
  readonly name: string;
  /** Path of the argument below the resource, e.g. `["rule", "blocked_encryption_types"]`. */
  readonly path: readonly string[];
}

/** `type.path` of an argument (`aws_s3_bucket_server_side_encryption_configuration.rule.blocked_encryption_types`), as the committed list names it. */
export const argumentKey = (argument: Pick<UnsupportedArgument, "type" | "path">): string => [argument.type, ...argument.path].join(".");

/** Keys of a block that are Terraform's meta-arguments or cdktf's metadata, not provider arguments. */
const META_ARGUMENTS = new Set(["//", "count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection"]);

const AWS_PROVIDER = "registry.terraform.io/hashicorp/aws";

/**
 * Every argument of the resources and data sources in `json` that `schema` (the mirror provider's
 * `terraform providers schema -json`) lacks, e.g. one that came with a newer provider line.
 */
export function unsupportedArguments(json: TerraformJsonObject, schema: ProvidersSchema): UnsupportedArgument[] {
  const provider = schema.provider_schemas[AWS_PROVIDER];
  if (provider === undefined) throw new ToolchainError(`The providers schema has no ${AWS_PROVIDER}: was "terraform init" run?`);
  const found: UnsupportedArgument[] = [];
  for (const kind of ["resource", "data"] as const) {
    const schemas = kind === "resource" ? provider.resource_schemas : provider.data_source_schemas;
    for (const [type, blocks] of Object.entries(asRecord(json[kind]))) {
      const typeSchema = schemas?.[type];
      if (typeSchema === undefined) throw new ToolchainError(`The AWS provider in the mirror has no ${kind} type "${type}".`);
      for (const [name, block] of Object.entries(asRecord(blocks))) {
        for (const path of unknownPaths(asRecord(block), typeSchema.block, [], true)) found.push({ kind, type, name, path });
      }
    }
  }
  return found;
}

function unknownPaths(block: Record<string, unknown>, schema: SchemaBlock, path: readonly string[], topLevel: boolean): string[][] {
  const paths: string[][] = [];
  for (const [key, value] of Object.entries(block)) {
    if (topLevel && META_ARGUMENTS.has(key)) continue;
    if (schema.attributes?.[key] !== undefined) continue;
    const nested = schema.block_types?.[key];
    if (nested === undefined) {
      paths.push([...path, key]);
      continue;
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === "object" && item !== null)
        paths.push(...unknownPaths(item as Record<string, unknown>, nested.block, [...path, key], false));
    }
  }
  return dedupe(paths);
}

/**
 * A Terraform override file (`*_override.tf.json`) that runs the stack on `providerVersion`: the
 * version constraint (`versionConstraint`, which must admit it; the version itself unless given), and each resource's nested block that holds an unsupported argument written
 * again without it (an override's nested block replaces every block of that type). An argument at
 * the top of a resource cannot be removed by an override file, so it is refused.
 */
export function providerOverride(
  json: TerraformJsonObject,
  unsupported: readonly UnsupportedArgument[],
  providerVersion: string,
  versionConstraint: string = providerVersion,
): TerraformJsonObject {
  const override: Record<string, Record<string, Record<string, Record<string, unknown>>>> = {};
  for (const argument of unsupported) {
    const [blockName, ...rest] = argument.path;
    if (blockName === undefined || rest.length === 0) {
      throw new ToolchainError(
        `${argument.kind}.${argument.type}.${argument.name}: argument "${argument.path.join(".")}" is not known to the mirror's AWS provider ${providerVersion} and is a top-level argument, which an override file cannot remove; use a mirror with provider ${BINDINGS_PROVIDER_VERSION} (METRICCARE_TF_PLUGIN_DIR).`,
      );
    }
    const byType = (override[argument.kind] ??= {});
    const byName = (byType[argument.type] ??= {});
    const resource = (byName[argument.name] ??= {});
    const original =
      resource[blockName] ?? structuredClone(asRecord(asRecord(asRecord(json[argument.kind])[argument.type])[argument.name])[blockName]);
    resource[blockName] = removePath(original, rest);
  }
  return {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: versionConstraint } } },
    ...override,
  };
}

function removePath(value: unknown, path: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => removePath(item, path));
  if (typeof value !== "object" || value === null) return value;
  const [head, ...rest] = path;
  if (head === undefined) return value;
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0) delete copy[head];
  else if (head in copy) copy[head] = removePath(copy[head], rest);
  return copy;
}

/** Merges override documents (`resource.<type>.<name>` objects are merged key by key; a later value wins). */
export function mergeOverrides(...documents: readonly TerraformJsonObject[]): TerraformJsonObject {
  const merge = (a: unknown, b: unknown): unknown => {
    if (typeof a !== "object" || a === null || Array.isArray(a) || typeof b !== "object" || b === null || Array.isArray(b)) return b;
    const result: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [key, value] of Object.entries(b)) result[key] = key in result ? merge(result[key], value) : value;
    return result;
  };
  return documents.reduce<TerraformJsonObject>((all, document) => merge(all, document) as TerraformJsonObject, {});
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function dedupe(paths: string[][]): string[][] {
  const seen = new Set<string>();
  return paths.filter((path) => {
    const key = path.join(".");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
