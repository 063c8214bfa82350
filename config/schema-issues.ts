import * as v from "valibot";
import { show } from "../modules/shared/validation";

type Issue = v.BaseIssue<unknown>;
type AnySchema = v.GenericSchema;

/** Where an issue is, said the way the configuration file reads: owner (`Configuration` or an environment) and field. */
interface IssuePlace {
  readonly owner: string;
  readonly field: string;
  /** The schema of the object that holds the field (for its other keys and the field's description). */
  readonly parent: AnySchema | undefined;
  readonly key: string;
}

/**
 * One sentence per schema issue, naming the setting, the value and what is allowed, e.g.
 * `` Configuration environments[2] (prod): `deletionProtection` must be true or false, got "yes". ``
 */
export function describeIssues(schema: AnySchema, input: unknown, issues: readonly Issue[]): string[] {
  return issues.map((issue) => describeIssue(schema, input, issue));
}

function describeIssue(schema: AnySchema, input: unknown, issue: Issue): string {
  const place = locate(schema, input, issue.path ?? []);
  const field = `\`${place.field}\``;
  if (issue.type === "strict_object" && issue.expected === "never") {
    const known = Object.keys(entriesOf(place.parent) ?? {});
    const closest = closestKey(place.key, known);
    const hint = closest ? `did you mean \`${closest}\`?` : `allowed here: ${known.map((k) => `\`${k}\``).join(", ")}.`;
    return `${place.owner}: unknown setting ${field}; ${hint}`;
  }
  const entry = entriesOf(place.parent)?.[place.key];
  if (issue.received === "undefined") {
    const description = entry ? v.getDescription(entry) : undefined;
    return `${place.owner}: ${field} is required${description ? ` (${description})` : ""}; it is missing.`;
  }
  return `${place.owner}: ${field} must be ${allowed(issue, entry)}, got ${show(issue.input)}.`;
}

function allowed(issue: Issue, entry: AnySchema | undefined): string {
  switch (issue.type) {
    case "boolean":
      return "true or false";
    case "number":
      return "a number";
    case "string":
      return "a text in quotes";
    case "array":
      return "a list ([...])";
    case "object":
    case "strict_object":
      return "an object ({...})";
    case "picklist": {
      const options = (innerSchema(entry) as unknown as { options?: readonly string[] }).options ?? [];
      return `one of ${options.map(show).join(", ")}`;
    }
    default:
      return issue.expected ?? "a valid value";
  }
}

/** Walks the issue's path through the input (for environment names) and the schema (for keys and descriptions). */
function locate(schema: AnySchema, input: unknown, path: readonly v.IssuePathItem[]): IssuePlace {
  let owner = "Configuration";
  let fieldParts: string[] = [];
  let current: AnySchema | undefined = schema;
  let parent: AnySchema | undefined;
  let value: unknown = input;
  let key = "";
  for (const [index, item] of path.entries()) {
    const segment = String(item.key);
    if (index === 1 && path[0]?.key === "environments" && item.type === "array") {
      const name = (value as Record<string, unknown>[] | undefined)?.[Number(segment)]?.name;
      owner = `Configuration environments[${segment}]${typeof name === "string" ? ` (${name})` : ""}`;
      fieldParts = [];
    } else if (item.type === "array") {
      fieldParts[fieldParts.length - 1] += `[${segment}]`;
    } else {
      fieldParts.push(segment);
    }
    parent = item.type === "object" ? current : parent;
    key = segment;
    current = childSchema(current, item);
    value = (value as Record<string, unknown> | undefined)?.[segment as never];
  }
  return { owner, field: fieldParts.join("."), parent: innerSchema(parent), key };
}

function childSchema(schema: AnySchema | undefined, item: v.IssuePathItem): AnySchema | undefined {
  const inner = innerSchema(schema) as unknown as { entries?: Record<string, AnySchema>; item?: AnySchema } | undefined;
  if (item.type === "array") return inner?.item;
  return inner?.entries?.[String(item.key)];
}

/** The schema under `optional(...)` and `pipe(...)` wrappers. */
function innerSchema(schema: AnySchema | undefined): AnySchema | undefined {
  let current = schema as unknown as { wrapped?: AnySchema; pipe?: readonly AnySchema[] } | undefined;
  for (;;) {
    if (current?.wrapped) current = current.wrapped as never;
    else if (current?.pipe && current.pipe[0] !== current) current = current.pipe[0] as never;
    else return current as AnySchema | undefined;
  }
}

function entriesOf(schema: AnySchema | undefined): Record<string, AnySchema> | undefined {
  return (innerSchema(schema) as unknown as { entries?: Record<string, AnySchema> } | undefined)?.entries;
}

/** The known key within edit distance 3 of `key` (a typo), if any. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 3 && (best === undefined || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
