import { zipSync, type Zippable } from "fflate";

/** One file inside a ZIP archive. */
export interface ZipEntry {
  /** Path inside the archive, with `/` separators and no leading slash. */
  readonly path: string;
  /** File content. */
  readonly data: Uint8Array;
}

// DOS timestamps have no time zone and fflate reads the local fields of the Date, so build the
// date from local fields: every machine then writes the same bytes (1980-01-01 00:00, the DOS epoch).
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const UNIX_OS = 3;
// Regular file, rw-r--r--: Lambda needs the code world-readable.
const FILE_ATTRIBUTES = 0o100644 << 16;

/**
 * Builds a ZIP whose bytes depend only on the entries: fixed timestamps, fixed permissions and
 * entries sorted by path, so two builds of the same content are byte-identical.
 */
export function createDeterministicZip(entries: readonly ZipEntry[]): Buffer {
  const seen = new Set<string>();
  const files: Zippable = {};
  for (const entry of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (entry.path === "" || entry.path.startsWith("/") || entry.path.includes("\\")) {
      throw new Error(`ZIP entry path must be relative with "/" separators, got "${entry.path}".`);
    }
    if (seen.has(entry.path)) {
      throw new Error(`ZIP entry path "${entry.path}" appears twice.`);
    }
    seen.add(entry.path);
    files[entry.path] = [entry.data, { level: 9, mtime: FIXED_MTIME, os: UNIX_OS, attrs: FILE_ATTRIBUTES }];
  }
  return Buffer.from(zipSync(files));
}
