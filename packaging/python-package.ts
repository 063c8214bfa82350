import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { createDeterministicZip } from "./deterministic-zip";

/** Files that are build output, not source: never shipped. */
function isShipped(name: string): boolean {
  return name !== "__pycache__" && !name.endsWith(".pyc") && !name.startsWith(".");
}

function listFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => isShipped(entry.name))
    .flatMap((entry) => (entry.isDirectory() ? listFiles(join(directory, entry.name)) : entry.isFile() ? [join(directory, entry.name)] : []));
}

/**
 * Zips a Python package folder for Glue's `--extra-py-files` (the archive holds `<package>/...`
 * so `import <package>` works), reproducibly: same sources, same bytes.
 * @returns the absolute path of the ZIP
 */
export function zipPythonPackage(packageDirectory: string, zipPath: string): string {
  const root = resolve(packageDirectory);
  const files = listFiles(root);
  if (!files.some((file) => basename(file) === "__init__.py" && dirname(file) === root)) {
    throw new Error(`"${packageDirectory}" is not a Python package: it has no __init__.py.`);
  }
  const packageName = basename(root);
  const zip = createDeterministicZip(
    files.map((file) => ({ path: [packageName, ...relative(root, file).split(sep)].join("/"), data: readFileSync(file) })),
  );
  const output = resolve(zipPath);
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, zip);
  return output;
}
