import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { startMotoServer, type MotoServer } from "../../toolchain/moto/moto-server";
import { tempDirectory } from "../support/test-context";

const ROOT = process.cwd();
// Starting moto takes 3 to 4 s alone and more beside the other moto-backed suites: well past jest's 5 s default.
jest.setTimeout(60_000);
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

// Starting the Python server (imports moto, binds, answers its first request) takes 2 s on an idle
// 2-core machine and more under load: the default 5 s of jest is too tight.
const MOTO_START_TIMEOUT_MS = 60_000;

describe("startMotoServer", () => {
  it(
    "serves the AWS APIs on 127.0.0.1 with a free port and stops when asked",
    async () => {
      // Prepare
      const server = await startMotoServer(ROOT);
      let stopped = false;
      try {
        const client = new DynamoDBClient({ endpoint: server.endpoint, region: "us-east-1", credentials });

        // Act
        const tables = await client.send(new ListTablesCommand({}));

        // Assess
        expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(tables.TableNames).toEqual([]);
        await server.stop();
        stopped = true;
        await expect(client.send(new ListTablesCommand({}))).rejects.toThrow(/ECONNREFUSED/);
      } finally {
        if (!stopped) await server.stop();
      }
    },
    MOTO_START_TIMEOUT_MS,
  );

  it(
    "serves HTTPS with the certificate it writes, when asked for TLS",
    async () => {
      // Prepare
      let server: MotoServer | undefined;
      try {
        server = await startMotoServer(ROOT, { tlsDirectory: tempDirectory("moto-tls-") });
        const ca = readFileSync(server.caFile ?? "");

        // Act
        const status = await new Promise<number | undefined>((resolve, reject) => {
          request(`${server?.endpoint ?? ""}/moto-api/`, { ca }, (response) => {
            response.resume();
            resolve(response.statusCode);
          })
            .on("error", reject)
            .end();
        });

        // Assess
        expect(server.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        expect(status).toBe(200);
      } finally {
        await server?.stop();
      }
    },
    MOTO_START_TIMEOUT_MS,
  );
});
