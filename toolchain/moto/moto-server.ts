import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pythonExecutable } from "../python/python-env";
import { ToolchainError } from "../cache";

/** A running moto server (`toolchain/moto/moto_server.py`) on 127.0.0.1. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>` (or `https://` with `tls`). */
  readonly endpoint: string;
  /** The certificate to trust, with `tls`. */
  readonly caFile?: string;
  /** Stops the server and waits for its process to end. */
  stop(): Promise<void>;
}

/** Options of {@link startMotoServer}. */
export interface MotoServerOptions {
  /**
   * Serve HTTPS with a certificate made for this run, written into this folder.
   * @default - plain HTTP
   */
  readonly tlsDirectory?: string;
  /**
   * Seconds to wait for the server to report its port.
   * @default 60
   */
  readonly startTimeoutSeconds?: number;
  /**
   * Append every call the server answers to this file, one JSON line each (`toolchain/moto/request_log.py`).
   * @default - no record
   */
  readonly recordFile?: string;
}

/** Starts moto with the test environment's Python on a port the OS picks; stop it in `afterAll`. */
export async function startMotoServer(root: string, options: MotoServerOptions = {}): Promise<MotoServer> {
  const args = [
    join(root, "toolchain", "moto", "moto_server.py"),
    ...(options.tlsDirectory ? ["--tls", options.tlsDirectory] : []),
    ...(options.recordFile ? ["--record", options.recordFile] : []),
  ];
  const child = spawn(pythonExecutable(root, "test"), args, { stdio: ["pipe", "pipe", "pipe"] });
  const errors: string[] = [];
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => errors.push(chunk));
  const lines = createInterface({ input: child.stdout });
  const timeoutSeconds = options.startTimeoutSeconds ?? 60;
  let timer: NodeJS.Timeout | undefined;
  try {
    const first = await Promise.race([
      once(lines, "line").then(([line]) => String(line)),
      once(child, "exit").then(([code]) =>
        Promise.reject(new ToolchainError(`moto server exited with ${String(code)} before it started: ${errors.join("").trim()}`)),
      ),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ToolchainError(`moto server did not start within ${timeoutSeconds} s: ${errors.join("").trim()}`)),
          timeoutSeconds * 1000,
        );
      }),
    ]);
    const started = JSON.parse(first) as { endpoint: string; ca_file: string | null };
    const exited = once(child, "exit");
    return {
      endpoint: started.endpoint,
      ...(started.ca_file ? { caFile: started.ca_file } : {}),
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          child.stdin.end();
          await exited;
        }
      },
    };
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  } finally {
    if (timer) clearTimeout(timer);
  }
}
