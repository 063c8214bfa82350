import { DefaultTokenResolver, StringConcat, Testing, TerraformStack, Tokenization } from "cdktf";
import type { Construct } from "constructs";
import { metadataPath, type Block, type TerraformJson } from "./terraform-json";

/** A construct under test, synthesized on its own in a fresh stack (as `Testing.synthScope` does). */
export interface SynthesizedConstruct<T> {
  /** What the build callback returned, e.g. the construct under test. */
  readonly built: T;
  /** The synthesized stack as `Testing.synth` returns it, for the cdktf jest matchers. */
  readonly synth: string;
  /** The same stack parsed, with cdktf's `//` metadata kept so blocks can be found by construct path. */
  readonly json: TerraformJson;
  /** `<type>.<name>` of the resource at `path` (the construct path below the stack, e.g. `key/key`). */
  address(type: string, path: string): string;
  /** `${<type>.<name>.<attribute>}`: what a reference to the resource at `path` synthesizes to. */
  ref(type: string, path: string, attribute: string): string;
  /** `${data.<type>.<name>.<attribute>}`: a reference to the data source at `path`. */
  dataRef(type: string, path: string, attribute: string): string;
  /** The resource of `type` at `path`; fails when there is none. */
  resource(type: string, path: string): Block;
  /** Every resource of `type`, by construct path below the stack (empty when there is none). */
  resourcesByPath(type: string): Record<string, Block>;
  /** What a token (an attribute of a construct) synthesizes to, e.g. `${aws_kms_key.key_F64E54E4.arn}`. */
  resolve(value: unknown): unknown;
}

const STACK_ID = "test";

/**
 * Builds constructs in a fresh stack and synthesizes it. Like `Testing.synthScope`, plus what a
 * test of one construct needs to assert exact references: the stack, to resolve tokens, and the
 * construct paths of the synthesized blocks.
 */
export function synthConstruct<T>(build: (scope: Construct) => T): SynthesizedConstruct<T> {
  const stack = new TerraformStack(Testing.app(), STACK_ID);
  const built = build(stack);
  const synth = Testing.synth(stack);
  const json = JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson;

  const byPath = (blocks: Record<string, Record<string, Block>> | undefined, type: string): Record<string, [string, Block]> =>
    Object.fromEntries(
      Object.entries(blocks?.[type] ?? {}).map(([name, block]) => [metadataPath(block).slice(STACK_ID.length + 1), [name, block]]),
    );
  const find = (blocks: Record<string, Record<string, Block>> | undefined, type: string, path: string): [string, Block] => {
    const found = byPath(blocks, type)[path];
    if (found === undefined) {
      throw new Error(`No ${type} at "${path}"; found at: ${Object.keys(byPath(blocks, type)).join(", ") || "none"}.`);
    }
    return found;
  };

  return {
    built,
    synth,
    json,
    address: (type, path) => `${type}.${find(json.resource, type, path)[0]}`,
    ref: (type, path, attribute) => `\${${type}.${find(json.resource, type, path)[0]}.${attribute}}`,
    dataRef: (type, path, attribute) => `\${data.${type}.${find(json.data, type, path)[0]}.${attribute}}`,
    resource: (type, path) => find(json.resource, type, path)[1],
    resourcesByPath: (type) => Object.fromEntries(Object.entries(byPath(json.resource, type)).map(([path, [, block]]) => [path, block])),
    resolve: (value) => Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) }),
  };
}
