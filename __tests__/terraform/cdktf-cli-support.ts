import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { delimiter, dirname } from "node:path";
import { EMULATOR_CREDENTIALS } from "../../toolchain/terraform/emulator-override";
import type { TerraformToolchain } from "../../toolchain/terraform/terraform";
import type { ResourceChange } from "./terraform-support";

/** The result of a command the suite ran. */
export interface CommandResult {
  readonly status: number | null;
  /** stdout and stderr as they came, without colours and cursor movements. */
  readonly output: string;
  readonly seconds: number;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  /** The environment of the command (whole, not added to the test's). */
  readonly env: NodeJS.ProcessEnv;
  /** Seconds before the command is stopped. */
  readonly timeoutSeconds: number;
}

/** Prompts nobody answers in a test: the command is stopped as soon as one shows, and the result says so. */
const PROMPTS = [/Enter a value:/, /Please enter a number to select a workspace/];

const running = new Set<ChildProcess>();

// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with ESC
const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");

/**
 * Runs `command args` in `cwd` in a process group of its own, collecting its output. It is stopped
 * (the whole group) when it prompts for input or runs past its timeout; it never rejects on a
 * non-zero status, callers assert on it.
 */
export function runCommand(command: string, args: readonly string[], cwd: string, options: RunCommandOptions): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    running.add(child);
    const chunks: string[] = [];
    let stoppedBecause: string | undefined;
    const stop = (reason: string): void => {
      if (stoppedBecause !== undefined) return;
      stoppedBecause = reason;
      killGroup(child);
    };
    const collect = (chunk: Buffer): void => {
      chunks.push(chunk.toString("utf8"));
      const prompt = PROMPTS.find((p) => p.test(stripAnsi(chunks.slice(-3).join(""))));
      if (prompt) stop(`it waited for input (${prompt.source})`);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    const timer = setTimeout(() => stop(`it ran longer than ${options.timeoutSeconds} s`), options.timeoutSeconds * 1000);
    child.on("error", (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(error);
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      running.delete(child);
      const seconds = (performance.now() - started) / 1000;
      if (process.env.METRICCARE_TERRAFORM_TIMING) {
        const workspace = options.env.TF_WORKSPACE ? `TF_WORKSPACE=${options.env.TF_WORKSPACE} ` : "";
        process.stderr.write(`${workspace}${command} ${args.join(" ")}: ${seconds.toFixed(1)} s, exit ${String(status)}\n`);
      }
      const output = stripAnsi(chunks.join(""));
      resolve({
        status: stoppedBecause === undefined ? status : null,
        output: stoppedBecause === undefined ? output : `${output}\n[stopped by the test: ${stoppedBecause}]`,
        seconds,
      });
    });
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return; // already gone
  }
  setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // ended after SIGTERM
    }
  }, 5000).unref();
}

/** Stops every command still running (afterAll, also when a test failed). */
export async function stopAllCommands(): Promise<void> {
  const waiting = [...running].map((child) => new Promise((resolve) => child.once("close", resolve)));
  for (const child of running) killGroup(child);
  await Promise.all(waiting);
}

/** A port on 127.0.0.1 that nothing listens on (taken from the OS, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Options of {@link cdktfEnvironment}. */
export interface CdktfEnvironmentOptions {
  /** The Terraform toolchain: its binary on PATH, its CLI configuration (the mirror). */
  readonly tool: TerraformToolchain;
  /** A port nothing listens on: every HTTP(S) call off 127.0.0.1 goes to it and fails at once. */
  readonly deadProxyPort: number;
  /** The AWS region. */
  readonly region: string;
}

/**
 * The environment a user offline would run `npx cdktf` in, as the README says: Terraform on PATH, a
 * CLI configuration with the filesystem mirror (TF_CLI_CONFIG_FILE), CHECKPOINT_DISABLE=1, credentials
 * (moto's fake ones). No TF_WORKSPACE: each command names its own. HTTP(S)_PROXY points at a closed
 * port, so a call to registry.terraform.io or any other host fails instead of reaching it; CI=true, as
 * in a CI job (cdktf prints lines instead of redrawing a spinner).
 */
export function cdktfEnvironment(options: CdktfEnvironmentOptions): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !/^(TF_|AWS_|CDKTF_|METRICCARE_)/.test(name) && !/^(https?_proxy|no_proxy|all_proxy)$/i.test(name) && name !== "CHECKPOINT_DISABLE",
    ),
  );
  const proxy = `http://127.0.0.1:${options.deadProxyPort}`;
  return {
    ...inherited,
    PATH: [dirname(options.tool.terraform), process.env.PATH ?? ""].join(delimiter),
    TF_CLI_CONFIG_FILE: options.tool.cliConfigFile,
    CHECKPOINT_DISABLE: "1",
    ...EMULATOR_CREDENTIALS,
    AWS_REGION: options.region,
    HTTPS_PROXY: proxy,
    HTTP_PROXY: proxy,
    NO_PROXY: "127.0.0.1,localhost",
    CI: "true",
  };
}

const ACTIONS: Readonly<Record<string, readonly string[]>> = {
  "updated in-place": ["update"],
  created: ["create"],
  destroyed: ["delete"],
  replaced: ["delete", "create"],
};

/**
 * The changes of the plan `cdktf deploy` prints before it applies (it runs `terraform apply`, which
 * saves no plan): each `# <address> will be ...` block with the top-level attributes its lines
 * change (`~ name = ...`, `+ block {`). cdktf starts each output line with the stack's name or as
 * many spaces; Terraform's indentation below that is kept.
 */
export function changesInPlanText(output: string, stackName: string): ResourceChange[] {
  const prefix = `${stackName}  `;
  const lines = output.split("\n").map((line) => (line.startsWith(prefix) ? " ".repeat(prefix.length) + line.slice(prefix.length) : line));
  const found: ResourceChange[] = [];
  const headerPattern = /^\s*# (\S+)(?: \([^)]*\))? (?:will|must) be (updated in-place|created|destroyed|replaced)/;
  for (let i = 0; i < lines.length; i++) {
    const header = headerPattern.exec(lines[i] ?? "");
    const block = /^(\s*)\S+ resource "([^"]+)" "[^"]+" \{$/.exec(lines[i + 1] ?? "");
    if (!header || !block) continue;
    const indent = (block[1] ?? "").length;
    const attributes = new Set<string>();
    const end = (line: string): boolean =>
      line.trimEnd() === `${" ".repeat(indent)}}` || headerPattern.test(line) || /^\s*Plan: /.test(line);
    for (let j = i + 2; j < lines.length && !end(lines[j] ?? ""); j++) {
      const attribute = new RegExp(`^ {${indent + 4}}[~+-] ([a-z_][a-z0-9_]*)\\b`).exec(lines[j] ?? "");
      if (attribute?.[1]) attributes.add(attribute[1]);
    }
    found.push({
      address: header[1] ?? "",
      type: block[2] ?? "",
      actions: ACTIONS[header[2] ?? ""] ?? [header[2] ?? ""],
      attributes: [...attributes].sort(),
      knownAfterApply: [],
    });
  }
  return found;
}
