/** One traversal (`aws_s3_bucket.raw.arn`, `local.environment.log_level`) found in a Terraform expression. */
export interface Reference {
  /** Where in the JSON the string holding it is, e.g. `resource.aws_s3_object.x.bucket`. */
  readonly location: string;
  /** The traversal, without index brackets: `aws_s3_bucket.raw.arn`. */
  readonly traversal: string;
}

const KEYWORDS = new Set(["true", "false", "null", "for", "in", "if", "endif", "else", "endfor"]);
// Index brackets end a traversal here; their contents are scanned as expressions of their own.
const TRAVERSAL = /[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_*][A-Za-z0-9_-]*)*/y;

/** Returns the end index of the `${...}` that starts at `start` (at the `$`). */
export function templateEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start + 2; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i = stringEnd(text, i);
    } else if (c === "{") {
      depth++;
    } else if (c === "}") {
      if (depth === 0) return i;
      depth--;
    }
  }
  throw new Error(`Unterminated "\${" in: ${text}`);
}

/** Returns the index of the closing quote of the string literal opening at `start`. */
export function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "$" && text[i + 1] === "{") i = templateEnd(text, i);
    else if (text[i] === '"') return i;
  }
  throw new Error(`Unterminated string literal in: ${text}`);
}

/** Traversals in an expression body (the inside of `${...}`), including inside nested string templates. */
function traversalsInExpression(expression: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i] ?? "";
    if (c === '"') {
      const end = stringEnd(expression, i);
      found.push(...traversalsInTemplate(expression.slice(i + 1, end)));
      i = end;
      continue;
    }
    if (/[A-Za-z_]/.test(c) && !/[A-Za-z0-9_.]/.test(expression[i - 1] ?? " ")) {
      TRAVERSAL.lastIndex = i;
      const match = TRAVERSAL.exec(expression);
      if (match) {
        const text = match[0];
        const rest = expression.slice(i + text.length).trimStart();
        // Not a function call, and not the key of an object literal (`{ key = value }`).
        const isReference = !rest.startsWith("(") && !(rest.startsWith("=") && !rest.startsWith("=="));
        if (isReference && !KEYWORDS.has(text)) found.push(text);
        i += text.length - 1;
      }
    }
  }
  return found;
}

/** Traversals in a template string (plain text with `${...}` parts; `$${` is a literal). */
export function traversalsInTemplate(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "$" && text[i + 1] === "$" && text[i + 2] === "{") {
      i += 2;
    } else if (text[i] === "$" && text[i + 1] === "{") {
      const end = templateEnd(text, i);
      found.push(...traversalsInExpression(text.slice(i + 2, end)));
      i = end;
    }
  }
  return found;
}

/** Every traversal in every string of the synthesized JSON (cdktf's `//` metadata excluded). */
export function findReferences(value: unknown, location = ""): Reference[] {
  if (typeof value === "string") return traversalsInTemplate(value).map((traversal) => ({ location, traversal }));
  if (Array.isArray(value)) return value.flatMap((item, index) => findReferences(item, `${location}[${index}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) =>
      key === "//" ? [] : findReferences(item, location ? `${location}.${key}` : key),
    );
  }
  return [];
}
