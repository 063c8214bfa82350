import { connect } from "node:net";
import { join } from "node:path";
import { startHiveMetastore, type HiveMetastoreServer } from "../../toolchain/hive_metastore/hive-metastore";
import { startMotoServer, type MotoServer } from "../../toolchain/moto/moto-server";
import { startTrino, type TrinoServer } from "../../toolchain/trino/trino";
import { tempDirectory } from "../support/test-context";

const ROOT = process.cwd();
// The metastore takes 5 to 20 s to start and Trino 20 to 40 s on the shared 2-core machine; they start side by side.
const START_TIMEOUT_MS = 300_000;

/** Trino's client protocol: POST the statement, follow `nextUri`, collect `data`. */
async function query(endpoint: string, sql: string): Promise<unknown[][]> {
  const headers = { "X-Trino-User": "metriccare" };
  let answer = (await (await fetch(`${endpoint}/v1/statement`, { method: "POST", body: sql, headers })).json()) as {
    nextUri?: string;
    data?: unknown[][];
    error?: { message: string };
  };
  const rows: unknown[][] = [];
  for (;;) {
    rows.push(...(answer.data ?? []));
    if (answer.error) throw new Error(answer.error.message);
    if (!answer.nextUri) return rows;
    answer = (await (await fetch(answer.nextUri, { headers })).json()) as typeof answer;
  }
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("connect", () => (socket.destroy(), resolve(false))).on("error", () => resolve(true));
  });
}

describe("startHiveMetastore and startTrino", () => {
  let moto: MotoServer | undefined;
  let metastore: HiveMetastoreServer | undefined;
  let trino: TrinoServer | undefined;

  // Generous: after a failure this stops both JVMs, each given up to 20 s before it is killed.
  afterAll(async () => {
    await trino?.stop();
    await metastore?.stop();
    await moto?.stop();
  }, 60_000);

  it(
    "run the metastore and Trino on 127.0.0.1 with free ports, Trino's catalog on the metastore, and stop them",
    async () => {
      // Prepare
      const work = tempDirectory("query-engine-");
      moto = await startMotoServer(ROOT);
      const s3Endpoint = moto.endpoint;
      metastore = await startHiveMetastore(ROOT, { workDirectory: join(work, "metastore"), s3Endpoint });
      trino = await startTrino(ROOT, { workDirectory: join(work, "trino"), metastoreUri: metastore.uri, s3Endpoint });

      // Act
      const schemas = await query(trino.endpoint, "SHOW SCHEMAS FROM hudi");
      const trinoPort = Number(new URL(trino.endpoint).port);
      await trino.stop();
      await metastore.stop();

      // Assess
      expect(metastore.uri).toMatch(/^thrift:\/\/127\.0\.0\.1:\d+$/);
      expect(trino.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(schemas).toEqual([["default"], ["information_schema"]]);
      expect(await refused(metastore.port)).toBe(true);
      expect(await refused(trinoPort)).toBe(true);
    },
    START_TIMEOUT_MS,
  );
});
