import { deflateSync } from "fflate";

/** One file inside a ZIP archive. */
export interface ZipEntry {
  /** Path inside the archive, with `/` separators and no leading slash. */
  readonly path: string;
  /** File content. */
  readonly data: Uint8Array;
}

/** A file compressed once, which {@link writeZip} can put into any number of archives as it is. */
export interface CompressedZipEntry {
  readonly path: string;
  /** CRC-32 of the uncompressed content. */
  readonly crc32: number;
  /** Uncompressed size in bytes. */
  readonly size: number;
  /** The content as a raw deflate stream (level 9). */
  readonly compressed: Uint8Array;
}

// Every entry is dated 1980-01-01 00:00, the DOS epoch, written as the raw DOS fields so no time
// zone is involved: (year - 1980) << 9 | month << 5 | day, and time 0.
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
const VERSION_NEEDED = 20; // 2.0: deflate
const VERSION_MADE_BY = (3 << 8) | 20; // Unix, so unzip and Lambda read the permissions below
const FLAG_UTF8_NAME = 0x0800;
const METHOD_DEFLATE = 8;
// Regular file, rw-r--r--: Lambda needs the code world-readable.
const FILE_ATTRIBUTES = (0o100644 << 16) >>> 0;
const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
// Without ZIP64 (not needed for function packages), sizes, offsets and counts have these limits.
const MAX_32 = 0xffffffff;
const MAX_ENTRIES = 0xffff;

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (ISO 3309, the checksum ZIP uses) of `data`. */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checkPath(path: string): void {
  if (path === "" || path.startsWith("/") || path.includes("\\")) {
    throw new Error(`ZIP entry path must be relative with "/" separators, got "${path}".`);
  }
}

/** Compresses one file for {@link writeZip}. */
export function compressZipEntry(entry: ZipEntry): CompressedZipEntry {
  return { path: entry.path, crc32: crc32(entry.data), size: entry.data.length, compressed: deflateSync(entry.data, { level: 9 }) };
}

/**
 * Writes a ZIP whose bytes depend only on the entries: sorted by path, fixed timestamps, fixed
 * permissions, no extra fields. The compressed data is copied as it is, so an entry compressed
 * for one archive (or read from one with {@link readZipEntries}) costs nothing in the next.
 */
export function writeZip(entries: readonly CompressedZipEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (sorted.length > MAX_ENTRIES) throw new Error(`A ZIP without ZIP64 holds at most ${MAX_ENTRIES} entries, got ${sorted.length}.`);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  sorted.forEach((entry, index) => {
    checkPath(entry.path);
    if (index > 0 && sorted[index - 1]?.path === entry.path) throw new Error(`ZIP entry path "${entry.path}" appears twice.`);
    if (entry.size > MAX_32 || entry.compressed.length > MAX_32)
      throw new Error(`ZIP entry "${entry.path}" is over 4 GiB; ZIP64 is not supported.`);
    const name = Buffer.from(entry.path, "utf8");
    const flags = name.length === entry.path.length ? 0 : FLAG_UTF8_NAME;
    const local = Buffer.alloc(30 + name.length);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(METHOD_DEFLATE, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(entry.crc32, 14);
    local.writeUInt32LE(entry.compressed.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    name.copy(local, 30);
    const central = Buffer.alloc(46 + name.length);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(VERSION_MADE_BY, 4);
    local.copy(central, 6, 4, 30); // version needed .. name length, as in the local header
    central.writeUInt16LE(0, 30); // extra field length
    central.writeUInt16LE(0, 32); // comment length
    central.writeUInt16LE(0, 34); // disk number
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(FILE_ATTRIBUTES, 38);
    central.writeUInt32LE(offset, 42);
    name.copy(central, 46);
    locals.push(local, Buffer.from(entry.compressed.buffer, entry.compressed.byteOffset, entry.compressed.byteLength));
    centrals.push(central);
    offset += local.length + entry.compressed.length;
    if (offset > MAX_32) throw new Error("The ZIP is over 4 GiB; ZIP64 is not supported.");
  });
  const centralSize = centrals.reduce((sum, central) => sum + central.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** Builds a reproducible ZIP of `entries` (see {@link writeZip}). */
export function createDeterministicZip(entries: readonly ZipEntry[]): Buffer {
  return writeZip(entries.map(compressZipEntry));
}

/**
 * The entries of a ZIP that {@link writeZip} wrote, still compressed. Anything else (another
 * compression method, a data descriptor, ZIP64) is refused rather than misread.
 */
export function readZipEntries(zip: Buffer): CompressedZipEntry[] {
  const end = zip.length - 22;
  if (end < 0 || zip.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY)
    throw new Error("Not a ZIP written by writeZip: no end-of-central-directory record in its last 22 bytes.");
  const count = zip.readUInt16LE(end + 10);
  let central = zip.readUInt32LE(end + 16);
  const entries: CompressedZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(central) !== CENTRAL_HEADER)
      throw new Error(`Not a ZIP written by writeZip: no central directory header at byte ${central}.`);
    const method = zip.readUInt16LE(central + 10);
    const nameLength = zip.readUInt16LE(central + 28);
    const path = zip.toString("utf8", central + 46, central + 46 + nameLength);
    const local = zip.readUInt32LE(central + 42);
    const compressedSize = zip.readUInt32LE(central + 20);
    const extraLength = zip.readUInt16LE(central + 30) + zip.readUInt16LE(local + 28);
    if (method !== METHOD_DEFLATE || extraLength !== 0 || zip.readUInt32LE(local) !== LOCAL_HEADER) {
      throw new Error(
        `Not a ZIP written by writeZip: entry "${path}" has method ${method} and ${extraLength} bytes of extra fields (expected deflate, none).`,
      );
    }
    const data = local + 30 + zip.readUInt16LE(local + 26);
    entries.push({
      path,
      crc32: zip.readUInt32LE(central + 16),
      size: zip.readUInt32LE(central + 24),
      compressed: zip.subarray(data, data + compressedSize),
    });
    central += 46 + nameLength;
  }
  return entries;
}
