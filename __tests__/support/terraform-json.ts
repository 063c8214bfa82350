/** The parts of synthesized Terraform JSON the tests read. */
export type Block = Record<string, unknown>;

export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
  readonly locals?: Record<string, unknown>;
  readonly output?: Record<string, Block>;
  readonly provider?: Record<string, Block[]>;
  readonly terraform?: Block;
  readonly variable?: Record<string, Block>;
}

/** Every resource of `type`, by name; fails the test when there is none. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, Block> {
  const found = json.resource?.[type];
  if (found === undefined) throw new Error(`No ${type} resources in the synthesized JSON.`);
  return found;
}

/** The only resource of `type`. */
export function onlyResource(json: TerraformJson, type: string): Block {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`Expected one ${type}, found ${all.length}.`);
  return all[0];
}

/** The address `<type>.<name>` of the resource whose metadata path ends with `pathSuffix`. */
export function addressByPath(json: TerraformJson, type: string, pathSuffix: string): string {
  const matches = Object.entries(resourcesOf(json, type)).filter(([, block]) => metadataPath(block).endsWith(pathSuffix));
  if (matches.length !== 1) throw new Error(`Expected one ${type} at a path ending "${pathSuffix}", found ${matches.length}.`);
  return `${type}.${matches[0][0]}`;
}

/** The resource at `<type>.<name>`. */
export function resourceAt(json: TerraformJson, address: string): Block {
  const [type, name] = address.split(".");
  const block = json.resource?.[type ?? ""]?.[name ?? ""];
  if (block === undefined) throw new Error(`No resource ${address}.`);
  return block;
}

/** The construct path of a block (`metriccare/raw_bucket/bucket`), from cdktf's metadata. */
export function metadataPath(block: Block): string {
  const meta = (block["//"] as { metadata?: { path?: string } } | undefined)?.metadata;
  return meta?.path ?? "";
}

/** Statements of the `aws_iam_policy_document` a `${data.aws_iam_policy_document.<name>.json}` reference points at. */
export function policyStatements(json: TerraformJson, reference: unknown): Block[] {
  const match = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$/.exec(String(reference));
  if (!match) throw new Error(`Not a policy document reference: ${String(reference)}`);
  const document = json.data?.aws_iam_policy_document?.[match[1] ?? ""];
  if (document === undefined) throw new Error(`No policy document ${match[1]}.`);
  return (document.statement as Block[] | undefined) ?? [];
}
