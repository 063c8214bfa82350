import { join } from "node:path";
import { startJsonLineServer } from "../python/json-line-server";
import { pythonExecutable } from "../python/python-env";

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

/**
 * Starts moto with the `emulator` environment's Python (a current botocore: the JavaScript SDK's and
 * Terraform's protocols) on a port the OS picks; stop it in `afterAll`.
 */
export async function startMotoServer(root: string, options: MotoServerOptions = {}): Promise<MotoServer> {
  const args = [
    join(root, "toolchain", "moto", "moto_server.py"),
    ...(options.tlsDirectory ? ["--tls", options.tlsDirectory] : []),
    ...(options.recordFile ? ["--record", options.recordFile] : []),
  ];
  const server = await startJsonLineServer<{ endpoint: string; ca_file: string | null }>(
    "moto server",
    pythonExecutable(root, "emulator"),
    args,
    {
      startTimeoutSeconds: options.startTimeoutSeconds ?? 60,
    },
  );
  return { endpoint: server.info.endpoint, ...(server.info.ca_file ? { caFile: server.info.ca_file } : {}), stop: () => server.stop() };
}
