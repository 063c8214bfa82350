import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { cacheKey, freshBuild, recordBuild } from "./build-cache.cjs";
import { createDeterministicZip } from "./deterministic-zip";

/** Files that are build output, not source: never shipped. */
function isShipped(name: string): boolean {
  return name !== "__pycache__" && !name.endsWith(".pyc") && !name.startsWith(".");
}

function listFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => isShipped(entry.name))
    .flatMap((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return listFiles(path);
      if (entry.isFile()) return [path];
      // A symlink or special file would be left out of the archive without a word: refuse it.
      throw new Error(`"${path}" is not a regular file or folder; the Python package may hold only files and folders.`);
    });
}

/**
 * Zips a Python package folder for Glue's `--extra-py-files` (the archive holds `<package>/...`
 * so `import <package>` works), reproducibly: same sources, same bytes. The ZIP of the previous
 * call is reused while the package's files are the same (packaging/build-cache.cjs).
 * @returns the absolute path of the ZIP
 */
export function zipPythonPackage(packageDirectory: string, zipPath: string): string {
  const root = resolve(packageDirectory);
  const output = resolve(zipPath);
  const files = listFiles(root);
  const manifest = `${output}.inputs.json`;
  const key = cacheKey({ zipPythonPackage: 1, root, files }, root);
  if (freshBuild(manifest, key, [output])) return output;
  if (!files.some((file) => basename(file) === "__init__.py" && dirname(file) === root)) {
    throw new Error(`"${packageDirectory}" is not a Python package: it has no __init__.py.`);
  }
  const packageName = basename(root);
  const zip = createDeterministicZip(
    files.map((file) => ({ path: [packageName, ...relative(root, file).split(sep)].join("/"), data: readFileSync(file) })),
  );
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, zip);
  recordBuild(manifest, key, files);
  return output;
}
