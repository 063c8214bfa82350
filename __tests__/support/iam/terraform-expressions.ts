// A small evaluator of the Terraform expressions cdktf writes into this stack's JSON, so that the
// journeys see the policy documents a workspace really gets. It models the HCL expression
// syntax (https://developer.hashicorp.com/terraform/language/expressions) only as far as the
// synthesized JSON uses it: templates "${...}", traversals with attribute and index steps, string,
// number and boolean literals, tuples, the conditional operator, ==, !=, !, && and ||, and the
// functions in FUNCTIONS. Anything else throws, naming the expression, so a new construct cannot be
// evaluated wrongly in silence.
import { stringEnd, templateEnd } from "../../../scripts/diagram/terraform-references";

/** A Terraform value as the evaluator sees it. */
export type Value = string | number | boolean | null | readonly Value[] | { readonly [key: string]: Value };

/** Looks up the value of a traversal's root and first attribute (`local.x`, `aws_s3_bucket.raw.arn`). */
export type Resolve = (steps: readonly (string | number)[]) => Value;

const FUNCTIONS: Readonly<Record<string, (args: Value[]) => Value>> = {
  concat: (args) => args.flatMap((a) => asList(a, "concat")),
  // Terraform's coalescelist: the first argument that is a non-empty list.
  coalescelist: (args) => {
    const found = args.find((a) => asList(a, "coalescelist").length > 0);
    if (found === undefined) throw new Error("coalescelist: every argument is an empty list");
    return found;
  },
  toset: ([a]) => [...new Set(asList(a ?? null, "toset"))],
  tolist: ([a]) => asList(a ?? null, "tolist"),
  length: ([a]) => (typeof a === "string" ? a.length : asList(a ?? null, "length").length),
  keys: ([a]) => Object.keys(asMap(a ?? null, "keys")).sort(),
  contains: ([list, item]) => asList(list ?? null, "contains").includes(item ?? null),
  lookup: ([map, key]) => {
    const found = asMap(map ?? null, "lookup")[String(key)];
    if (found === undefined) throw new Error(`lookup: no key "${String(key)}"`);
    return found;
  },
  jsonencode: ([a]) => JSON.stringify(a),
  join: ([separator, list]) =>
    asList(list ?? null, "join")
      .map(String)
      .join(String(separator)),
  replace: ([text, search, replacement]) => String(text).split(String(search)).join(String(replacement)),
};

function asList(value: Value, where: string): Value[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected a list, got ${JSON.stringify(value)}`);
  return [...(value as Value[])];
}

function asMap(value: Value, where: string): Record<string, Value> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new Error(`${where}: expected an object, got ${JSON.stringify(value)}`);
  return value as Record<string, Value>;
}

type Token = { kind: "name" | "number" | "string" | "op"; text: string };

/** Evaluates a JSON string value: a template, or one `${expr}` that keeps its type (lists stay lists). */
export function evaluateString(text: string, resolve: Resolve): Value {
  const whole = /^\$\{([\s\S]*)\}$/.exec(text);
  if (whole && templateEnd(text, 0) === text.length - 1) return evaluateExpression(whole[1] ?? "", resolve);
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith("$${", i)) {
      out += "${";
      i += 2;
    } else if (text.startsWith("${", i)) {
      const end = templateEnd(text, i);
      const value = evaluateExpression(text.slice(i + 2, end), resolve);
      if (typeof value === "object" && value !== null) throw new Error(`A list or object inside a template: ${text}`);
      out += String(value);
      i = end;
    } else out += text[i];
  }
  return out;
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < expression.length;) {
    const c = expression[i] ?? "";
    if (/\s/.test(c)) i++;
    else if (c === '"') {
      const end = stringEnd(expression, i);
      tokens.push({ kind: "string", text: expression.slice(i + 1, end) });
      i = end + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(?:\.[0-9]+)?/.exec(expression.slice(i))?.[0] ?? c;
      tokens.push({ kind: "number", text: m });
      i += m.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(expression.slice(i))?.[0] ?? c;
      tokens.push({ kind: "name", text: m });
      i += m.length;
    } else {
      const two = expression.slice(i, i + 2);
      const op = ["==", "!=", "&&", "||", ">=", "<="].includes(two) ? two : c;
      if (!["==", "!=", "&&", "||", ">=", "<=", ">", "<", "!", "?", ":", "(", ")", "[", "]", ",", "."].includes(op))
        throw new Error(`Unsupported token "${op}" in: ${expression}`);
      tokens.push({ kind: "op", text: op });
      i += op.length;
    }
  }
  return tokens;
}

/** Evaluates the inside of one `${...}`. */
export function evaluateExpression(expression: string, resolve: Resolve): Value {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const isOp = (text: string): boolean => peek()?.kind === "op" && peek()?.text === text;
  const expect = (text: string): void => {
    if (!isOp(text)) throw new Error(`Expected "${text}" at token ${position} of: ${expression}`);
    position++;
  };

  const conditional = (): Value => {
    const test = or();
    if (!isOp("?")) return test;
    position++;
    const yes = conditional();
    expect(":");
    const no = conditional();
    if (typeof test !== "boolean") throw new Error(`Condition is not a boolean in: ${expression}`);
    return test ? yes : no;
  };
  const or = (): Value => {
    let left = and();
    while (isOp("||")) {
      position++;
      const right = and();
      left = left === true || right === true;
    }
    return left;
  };
  const and = (): Value => {
    let left = equality();
    while (isOp("&&")) {
      position++;
      const right = equality();
      left = left === true && right === true;
    }
    return left;
  };
  const equality = (): Value => {
    let left = comparison();
    while (isOp("==") || isOp("!=")) {
      const op = peek()?.text;
      position++;
      const right = comparison();
      const same = JSON.stringify(left) === JSON.stringify(right);
      left = op === "==" ? same : !same;
    }
    return left;
  };
  const comparison = (): Value => {
    const left = unary();
    const op = [">=", "<=", ">", "<"].find((text) => isOp(text));
    if (op === undefined) return left;
    position++;
    const right = unary();
    if (typeof left !== "number" || typeof right !== "number") throw new Error(`"${op}" compares numbers only, in: ${expression}`);
    return op === ">=" ? left >= right : op === "<=" ? left <= right : op === ">" ? left > right : left < right;
  };
  const unary = (): Value => {
    if (isOp("!")) {
      position++;
      return unary() !== true;
    }
    return postfix();
  };
  const postfix = (): Value => {
    const token = peek();
    if (token === undefined) throw new Error(`Unexpected end of: ${expression}`);
    position++;
    if (token.kind === "string") return evaluateString(unescape(token.text), resolve);
    if (token.kind === "number") return Number(token.text);
    if (token.kind === "op" && token.text === "(") {
      const inner = conditional();
      expect(")");
      return inner;
    }
    if (token.kind === "op" && token.text === "[") {
      const items: Value[] = [];
      while (!isOp("]")) {
        items.push(conditional());
        if (isOp(",")) position++;
      }
      position++;
      return items;
    }
    if (token.kind !== "name") throw new Error(`Unexpected "${token.text}" in: ${expression}`);
    if (token.text === "true" || token.text === "false") return token.text === "true";
    if (token.text === "null") return null;
    if (isOp("(")) {
      position++;
      const args: Value[] = [];
      while (!isOp(")")) {
        args.push(conditional());
        if (isOp(",")) position++;
      }
      position++;
      const fn = FUNCTIONS[token.text];
      if (fn === undefined) throw new Error(`Unsupported function ${token.text}() in: ${expression}`);
      return fn(args);
    }
    // A traversal: name(.name | [expr])*, resolved step by step once the resolver's prefix is known.
    const steps: (string | number)[] = [token.text];
    for (;;) {
      if (isOp(".")) {
        position++;
        const next = peek();
        if (next?.kind !== "name" && next?.kind !== "number") throw new Error(`Bad traversal in: ${expression}`);
        position++;
        steps.push(next.kind === "number" ? Number(next.text) : next.text);
      } else if (isOp("[")) {
        position++;
        const index = conditional();
        expect("]");
        if (typeof index !== "string" && typeof index !== "number") throw new Error(`Bad index in: ${expression}`);
        steps.push(index);
      } else break;
    }
    return resolve(steps);
  };

  const result = conditional();
  if (position !== tokens.length) throw new Error(`Unparsed rest at token ${position} of: ${expression}`);
  return result;
}

function unescape(text: string): string {
  return text.replace(/\\(["\\nt])/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c));
}

/** Follows `steps` into `value` (attribute and index steps after the resolved prefix). */
export function descend(value: Value, steps: readonly (string | number)[], where: string): Value {
  let current = value;
  for (const step of steps) {
    if (Array.isArray(current) && typeof step === "number") current = (current as Value[])[step] ?? null;
    else if (current !== null && typeof current === "object" && !Array.isArray(current)) {
      const next = (current as Record<string, Value>)[String(step)];
      if (next === undefined) throw new Error(`${where}: no attribute "${String(step)}"`);
      current = next;
    } else throw new Error(`${where}: cannot step into ${JSON.stringify(current)} with "${String(step)}"`);
  }
  return current;
}
