import { unzipSync, zipSync } from "fflate";
import {
  compressZipEntry,
  crc32,
  createDeterministicZip,
  readZipEntries,
  writeZip,
  type ZipEntry,
} from "../../packaging/deterministic-zip";

/** One file's record in the ZIP central directory (APPNOTE 4.3.12), plus its local header's timestamp. */
interface CentralDirectoryEntry {
  readonly name: string;
  readonly madeByOs: number;
  readonly method: number;
  readonly dosTime: number;
  readonly dosDate: number;
  readonly extraLength: number;
  readonly externalAttributes: number;
  readonly localDosTime: number;
  readonly localDosDate: number;
}

function centralDirectory(zip: Buffer): CentralDirectoryEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: CentralDirectoryEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`No central directory header at ${offset}.`);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    entries.push({
      name: zip.toString("utf8", offset + 46, offset + 46 + nameLength),
      madeByOs: zip.readUInt8(offset + 5),
      method: zip.readUInt16LE(offset + 10),
      dosTime: zip.readUInt16LE(offset + 12),
      dosDate: zip.readUInt16LE(offset + 14),
      extraLength,
      externalAttributes: zip.readUInt32LE(offset + 38),
      localDosTime: zip.readUInt16LE(local + 10),
      localDosDate: zip.readUInt16LE(local + 12),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const text = (value: string): Uint8Array => Buffer.from(value);
const ENTRIES: ZipEntry[] = [
  { path: "index.mjs", data: text("export const handler = async () => ({});\n".repeat(20)) },
  { path: "lib/a.mjs", data: text("export const a = 1;\n") },
  { path: "README.md", data: text("# bundle\n") },
];
// 1980-01-01 00:00:00 as a DOS date ((year - 1980) << 9 | month << 5 | day) and time (0).
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;

describe("createDeterministicZip", () => {
  it("writes the same bytes for the same entries, whatever their order", () => {
    // Act
    const first = createDeterministicZip(ENTRIES);
    const second = createDeterministicZip([...ENTRIES].reverse());
    // Assess
    expect(second.equals(first)).toBe(true);
  });

  it("writes the same bytes in every time zone", () => {
    // Prepare
    const original = process.env.TZ;
    const zips: Buffer[] = [];
    // Act
    try {
      for (const zone of ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata", "America/Los_Angeles"]) {
        process.env.TZ = zone;
        // A fresh module, so its fixed date is built in this time zone.
        jest.isolateModules(() => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- isolateModules needs a synchronous load
          const fresh = require("../../packaging/deterministic-zip") as typeof import("../../packaging/deterministic-zip");
          zips.push(fresh.createDeterministicZip(ENTRIES));
        });
      }
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
    // Assess
    const reference = createDeterministicZip(ENTRIES);
    expect(zips).toHaveLength(5);
    for (const zip of zips) expect(zip.equals(reference)).toBe(true);
  });

  it("reads back as the same files", () => {
    // Act
    const zip = createDeterministicZip(ENTRIES);
    // Assess
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(["README.md", "index.mjs", "lib/a.mjs"]);
    for (const entry of ENTRIES) expect(Buffer.from(files[entry.path] as Uint8Array).equals(Buffer.from(entry.data))).toBe(true);
  });

  it("stores entries sorted by path, deflated, dated 1980-01-01 00:00, as Unix regular files rw-r--r--, without extra fields", () => {
    // Act
    const entries = centralDirectory(createDeterministicZip(ENTRIES));
    // Assess
    expect(entries.map((e) => e.name)).toEqual(["README.md", "index.mjs", "lib/a.mjs"]);
    for (const entry of entries) {
      expect(entry).toEqual({
        name: entry.name,
        madeByOs: 3,
        method: 8,
        dosTime: 0,
        dosDate: DOS_DATE_1980_01_01,
        extraLength: 0,
        externalAttributes: 0o100644 * 0x10000,
        localDosTime: 0,
        localDosDate: DOS_DATE_1980_01_01,
      });
    }
  });

  it("writes an empty archive for no entries", () => {
    // Act
    const zip = createDeterministicZip([]);
    // Assess
    expect(Object.keys(unzipSync(zip))).toEqual([]);
  });

  it("rejects a path that appears twice", () => {
    // Act
    const act = () => createDeterministicZip([...ENTRIES, { path: "lib/a.mjs", data: text("other") }]);
    // Assess
    expect(act).toThrow('ZIP entry path "lib/a.mjs" appears twice.');
  });

  it.each(["/index.mjs", "", "lib\\a.mjs"])("rejects the path %p, which is not relative with / separators", (path) => {
    // Act
    const act = () => createDeterministicZip([{ path, data: text("x") }]);
    // Assess
    expect(act).toThrow(`ZIP entry path must be relative with "/" separators, got "${path}".`);
  });
});

describe("crc32", () => {
  it.each([
    ["123456789", 0xcbf43926], // the CRC-32 check value
    ["", 0],
    ["The quick brown fox jumps over the lazy dog", 0x414fa339],
  ])("of %p is %p", (input, expected) => {
    expect(crc32(Buffer.from(input))).toBe(expected);
  });
});

describe("writeZip and readZipEntries", () => {
  it("read back the compressed entries of an archive, and writing them again gives the same bytes", () => {
    // Prepare
    const zip = createDeterministicZip(ENTRIES);
    // Act
    const entries = readZipEntries(zip);
    // Assess
    expect(entries.map((e) => [e.path, e.size, e.crc32])).toEqual([
      ["README.md", 9, crc32(text("# bundle\n"))],
      ["index.mjs", 41 * 20, crc32(ENTRIES[0]?.data)],
      ["lib/a.mjs", 20, crc32(text("export const a = 1;\n"))],
    ]);
    expect(writeZip(entries).equals(zip)).toBe(true);
  });

  it("merge a cached archive's entries with new files into the archive a full build would write", () => {
    // Prepare
    const cached = createDeterministicZip(ENTRIES.slice(1));
    const added = compressZipEntry(ENTRIES[0]);
    // Act
    const merged = writeZip([...readZipEntries(cached), added]);
    // Assess
    expect(merged.equals(createDeterministicZip(ENTRIES))).toBe(true);
  });

  it("refuse a file in both parts of a merge", () => {
    // Act
    const act = () =>
      writeZip([...readZipEntries(createDeterministicZip(ENTRIES)), compressZipEntry({ path: "README.md", data: text("again") })]);
    // Assess
    expect(act).toThrow('ZIP entry path "README.md" appears twice.');
  });

  it("refuse an archive another tool wrote with stored (uncompressed) entries", () => {
    // Prepare
    const stored = Buffer.from(zipSync({ "a.txt": text("abc") }, { level: 0 }));
    // Act
    const act = () => readZipEntries(stored);
    // Assess
    expect(act).toThrow('Not a ZIP written by writeZip: entry "a.txt" has method 0 and 0 bytes of extra fields (expected deflate, none).');
  });

  it("refuse bytes that are not a ZIP", () => {
    expect(() => readZipEntries(Buffer.from("not a zip at all, not even close"))).toThrow(
      "Not a ZIP written by writeZip: no end-of-central-directory record in its last 22 bytes.",
    );
  });
});
