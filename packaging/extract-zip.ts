import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { unzipSync } from "fflate";

/**
 * Extracts a ZIP (e.g. a function package) into `directory`, as Lambda does before it loads the
 * handler. Entries that would land outside `directory` are refused.
 * @returns the extracted paths, relative to `directory`
 */
export function extractZip(zipPath: string, directory: string): string[] {
  const root = resolve(directory);
  const entries = unzipSync(readFileSync(zipPath));
  for (const [name, data] of Object.entries(entries)) {
    const target = resolve(join(root, name));
    if (!target.startsWith(root + sep)) throw new Error(`ZIP entry "${name}" in ${zipPath} points outside ${root}.`);
    if (name.endsWith("/")) continue;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  return Object.keys(entries).filter((name) => !name.endsWith("/"));
}
