import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { ToolchainError } from "../cache";

/** A server run by one of the toolchain's Python launchers, which printed one JSON line once it was ready. */
export interface JsonLineServer<Info> {
  /** What the launcher printed (endpoint, port, ...). */
  readonly info: Info;
  /** Stops the server (closes the launcher's stdin) and waits for its process to end. */
  stop(): Promise<void>;
}

/** Options of {@link startJsonLineServer}. */
export interface JsonLineServerOptions {
  /** Seconds to wait for the JSON line. */
  readonly startTimeoutSeconds: number;
  /**
   * Variables added to the launcher's environment.
   * @default - none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The launcher's working folder.
   * @default - this process's
   */
  readonly cwd?: string;
}

/**
 * Runs a launcher (`python toolchain/moto/moto_server.py`, `python -m trino.trino_server`, ...) that
 * prints one JSON line when its server is ready and stops it when its stdin closes; `what` names it
 * in errors, which carry the launcher's stderr.
 */
export async function startJsonLineServer<Info>(
  what: string,
  command: string,
  args: readonly string[],
  options: JsonLineServerOptions,
): Promise<JsonLineServer<Info>> {
  const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], cwd: options.cwd, env: { ...process.env, ...options.env } });
  const errors: string[] = [];
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => errors.push(chunk));
  const lines = createInterface({ input: child.stdout });
  let timer: NodeJS.Timeout | undefined;
  try {
    const first = await Promise.race([
      once(lines, "line").then(([line]) => String(line)),
      once(child, "exit").then(([code]) =>
        Promise.reject(new ToolchainError(`${what} exited with ${String(code)} before it started: ${errors.join("").trim()}`)),
      ),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ToolchainError(`${what} did not start within ${options.startTimeoutSeconds} s: ${errors.join("").trim()}`)),
          options.startTimeoutSeconds * 1000,
        );
      }),
    ]);
    const exited = once(child, "exit");
    return {
      info: JSON.parse(first) as Info,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          child.stdin.end();
          await exited;
        }
      },
    };
  } catch (error) {
    child.kill("SIGTERM"); // the launchers stop their server on SIGTERM; SIGKILL would leave a JVM behind
    throw error;
  } finally {
    if (timer) clearTimeout(timer);
  }
}
