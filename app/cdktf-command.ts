import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";

/**
 * cdktf commands that run Terraform in the stack folder after the synth: these need the target
 * environment (TF_WORKSPACE), the provider lock and the workspace. `synth`, `list` and `get` do not.
 */
export const TERRAFORM_COMMANDS: ReadonlySet<string> = new Set([
  "diff",
  "plan",
  "deploy",
  "apply",
  "destroy",
  "output",
  "outputs",
  "watch",
]);

/** The command of a cdktf CLI whose arguments are unreadable on this platform: treated as one that runs Terraform. */
export const UNKNOWN_COMMAND = "(unknown)";

/** One process: its parent and its arguments. */
export interface ProcessInfo {
  readonly parentPid: number;
  readonly args: readonly string[];
}

/** Reads a process's parent and arguments: /proc on Linux, `ps` elsewhere; undefined when neither says. */
export function readProcess(pid: number): ProcessInfo | undefined {
  if (existsSync("/proc/self/stat")) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // The command name (field 2) may hold spaces and parentheses; the fields after its last ")" do not.
      const parentPid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      return { parentPid, args };
    } catch {
      return undefined;
    }
  }
  const ps = spawnSync("ps", ["-o", "ppid=", "-o", "command=", "-p", String(pid)], { encoding: "utf8" });
  const match = ps.status === 0 ? /^\s*(\d+)\s+(.*)$/.exec(ps.stdout.trim()) : null;
  // `ps` joins the arguments with spaces; good enough to find `cdktf <command>`.
  return match ? { parentPid: Number(match[1]), args: (match[2] ?? "").split(/\s+/) } : undefined;
}

/**
 * The cdktf command in one process's arguments (`node .../cdktf deploy metriccare` → `deploy`), or
 * undefined when the process is not the cdktf CLI.
 */
export function commandOfCdktf(args: readonly string[]): string | undefined {
  const cli = args.findIndex((arg) => ["cdktf", "cdktf.js"].includes(basename(arg)));
  if (cli < 0) return undefined;
  return args.slice(cli + 1).find((arg) => !arg.startsWith("-")) ?? "";
}

/**
 * The cdktf CLI command (`deploy`, `diff`, `destroy`, `synth`, ...) that runs this app, read from
 * the arguments of the processes above it: cdktf tells its app only `CDKTF_OUTDIR`, not which command
 * will use the synthesized JSON. Undefined when the cdktf CLI does not run the app (`npm run synth`);
 * {@link UNKNOWN_COMMAND} when it does (`CDKTF_OUTDIR` is set) but the platform cannot say which command.
 */
export function cdktfCommand(
  env: NodeJS.ProcessEnv = process.env,
  read: (pid: number) => ProcessInfo | undefined = readProcess,
  startPid: number = process.ppid,
): string | undefined {
  if (!env.CDKTF_OUTDIR) return undefined;
  let pid = startPid;
  // cdktf runs the app through `sh -c`, so its process is the grandparent; npx adds no level below it.
  for (let depth = 0; depth < 6 && pid > 1; depth++) {
    const info = read(pid);
    if (info === undefined) return UNKNOWN_COMMAND;
    const command = commandOfCdktf(info.args);
    if (command !== undefined) return command;
    pid = info.parentPid;
  }
  // CDKTF_OUTDIR without a cdktf process above: another tool chose the output folder.
  return undefined;
}

/** Whether `command` (from {@link cdktfCommand}) runs Terraform after the synth. */
export function runsTerraform(command: string | undefined): boolean {
  return command === UNKNOWN_COMMAND || (command !== undefined && TERRAFORM_COMMANDS.has(command));
}
