import { findReferences } from "../../scripts/diagram/terraform-references";
import type { TerraformJson } from "./terraform-json";

const BUILT_IN_ROOTS: Record<string, (parts: string[]) => boolean> = {
  terraform: (parts) => parts[1] === "workspace",
  path: (parts) => ["module", "root", "cwd"].includes(parts[1] ?? ""),
  each: (parts) => ["key", "value"].includes(parts[1] ?? ""),
  count: (parts) => parts[1] === "index",
};

const camel = (snake: string): string => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The provider binding class of an AWS resource or data source type, whose getters are its attributes. */
function providerClass(type: string, isData: boolean): { prototype: object } | undefined {
  if (!type.startsWith("aws_")) return undefined;
  const module = (isData ? `data-${type}` : type.slice("aws_".length)).replace(/_/g, "-");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(`@cdktf/provider-aws/lib/${module}`) as Record<string, unknown>;
  const isBinding = (value: unknown): value is { tfResourceType: string; prototype: object } =>
    typeof value === "function" && (value as { tfResourceType?: unknown }).tfResourceType === type;
  return Object.values(exports).find(isBinding);
}

function hasAttribute(type: string, isData: boolean, attribute: string | undefined): boolean {
  if (attribute === undefined) return true;
  const cls = providerClass(type, isData);
  return cls === undefined || camel(attribute) in cls.prototype;
}

/**
 * A stand-in for `terraform validate`: every reference and `depends_on` entry must name a declared
 * resource, data source, local or variable, and every attribute read from an AWS resource must be
 * one its provider schema has. Returns one line per problem.
 */
export function checkReferenceIntegrity(json: TerraformJson): string[] {
  const problems: string[] = [];
  const resources = json.resource ?? {};
  const data = json.data ?? {};
  const locals = json.locals ?? {};
  const environments = Object.values((locals.environments ?? {}) as Record<string, Record<string, unknown>>);

  for (const { location, traversal } of findReferences(json)) {
    const parts = traversal.split(".");
    const root = parts[0] ?? "";
    const problem = (why: string) => problems.push(`${location}: \${${traversal}} ${why}`);
    if (root in BUILT_IN_ROOTS) {
      if (!BUILT_IN_ROOTS[root]?.(parts)) problem(`is not a valid ${root} reference`);
    } else if (root === "local") {
      const name = parts[1] ?? "";
      if (!(name in locals)) problem(`names local "${name}", which is not declared`);
      else if (name === "environment" && parts[2] !== undefined && !environments.every((env) => parts[2] in env)) {
        problem(`reads "${parts[2]}", which not every environment in local.environments defines`);
      }
    } else if (root === "var") {
      if (!((parts[1] ?? "") in (json.variable ?? {}))) problem("names an undeclared variable");
    } else if (root === "data") {
      const [, type = "", name = "", attribute] = parts;
      if (data[type]?.[name] === undefined) problem(`names data source ${type}.${name}, which is not declared`);
      else if (!hasAttribute(type, true, attribute)) problem(`reads "${attribute}", which ${type} does not have`);
    } else {
      const [type = "", name = "", attribute] = parts;
      if (resources[type]?.[name] === undefined) problem(`names resource ${type}.${name}, which is not declared`);
      else if (!hasAttribute(type, false, attribute)) problem(`reads "${attribute}", which ${type} does not have`);
    }
  }

  for (const [type, blocks] of Object.entries(resources)) {
    for (const [name, block] of Object.entries(blocks)) {
      for (const dependency of (block.depends_on as string[] | undefined) ?? []) {
        const [first = "", second = "", third = ""] = dependency.split(".");
        const declared = first === "data" ? data[second]?.[third] !== undefined : resources[first]?.[second] !== undefined;
        if (!declared) problems.push(`resource.${type}.${name}.depends_on: "${dependency}" is not declared`);
      }
    }
  }
  return problems;
}
