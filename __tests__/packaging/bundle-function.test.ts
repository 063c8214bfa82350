import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { bundleDependencies, bundleFunction, type BundleFunctionOptions } from "../../packaging/bundle-function";
import { extractZip } from "../../packaging/extract-zip";
import { PROJECT_ROOT } from "../support/metriccare-stack";

// A small function inside the project (under .build/, ignored by git), so that esbuild finds the
// project's node_modules. Its one dependency is fflate, which the project already has.
const DEPENDENCIES_TS = 'export { strToU8 } from "fflate";\n';
const INDEX_TS =
  'import { strToU8 } from "./dependencies";\nexport const handler = async (): Promise<number[]> => Array.from(strToU8("hé"));\n';

const RUN_BUNDLE = join(__dirname, "..", "support", "run-bundle.mjs");

let dir: string;
let options: BundleFunctionOptions;

function writeFunction(files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, "fn", name), content);
}

/** Modification time of a file in nanoseconds, to tell whether a build rewrote it. */
const mtime = (path: string): bigint => statSync(path, { bigint: true }).mtimeNs;

beforeEach(() => {
  mkdirSync(join(PROJECT_ROOT, ".build"), { recursive: true });
  dir = mkdtempSync(join(PROJECT_ROOT, ".build", "bundle-function-test-"));
  mkdirSync(join(dir, "fn"));
  writeFunction({ "index.ts": INDEX_TS, "dependencies.ts": DEPENDENCIES_TS });
  options = { entry: join(dir, "fn", "index.ts"), zipPath: join(dir, "out", "fn.zip") };
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("bundleFunction", () => {
  it("zips the function's code as index.mjs, importing its npm packages from dependencies.mjs beside it", async () => {
    // Act
    const bundle = await bundleFunction(options);
    // Assess
    const files = unzipSync(readFileSync(bundle.zipPath));
    expect(Object.keys(files)).toEqual(["dependencies.mjs", "index.mjs"]);
    const index = Buffer.from(files["index.mjs"] as Uint8Array).toString("utf8");
    expect(index).toMatch(/^import\{strToU8 as \w+\}from"\.\/dependencies\.mjs";/);
    expect(index).not.toContain("TextEncoder"); // fflate's strToU8 is not copied into the function's code
    expect(bundle.bundleBytes).toBe((files["index.mjs"]?.length ?? 0) + (files["dependencies.mjs"]?.length ?? 0));
  });

  it("runs as Lambda runs it: the extracted index.mjs finds its dependencies", async () => {
    // Prepare
    const bundle = await bundleFunction(options);
    extractZip(bundle.zipPath, join(dir, "task"));
    writeFileSync(join(dir, "events.json"), "[{}]");
    // Act
    execFileSync(process.execPath, [RUN_BUNDLE, join(dir, "task", "index.mjs"), join(dir, "events.json"), join(dir, "outcomes.json")]);
    // Assess: "h" is 0x68, "é" is 0xC3 0xA9 in UTF-8
    expect(JSON.parse(readFileSync(join(dir, "outcomes.json"), "utf8"))).toEqual([{ returned: [0x68, 0xc3, 0xa9] }]);
  });

  it("refuses a direct import of an npm package, naming the file, the package and the fix", async () => {
    // Prepare
    writeFunction({
      "other.ts": 'import { strFromU8 } from "fflate";\nexport const text = strFromU8;\n',
      "index.ts": `${INDEX_TS}export { text } from "./other";\n`,
    });
    // Act
    const act = bundleFunction(options);
    // Assess
    await expect(act).rejects.toThrow(
      'other.ts imports "fflate" directly. A function imports npm packages only through ./dependencies: re-export what it needs there (type-only imports may name the package), so the packages are bundled once, not on every change to the code.',
    );
  });

  it("accepts type-only imports of a package and Node built-ins", async () => {
    // Prepare
    writeFunction({
      "index.ts": `import type { Zippable } from "fflate";\nimport { sep } from "node:path";\n${INDEX_TS}export const files: Zippable = {};\nexport const separator = sep;\n`,
    });
    // Act
    const bundle = await bundleFunction(options);
    // Assess
    const index = Buffer.from(unzipSync(readFileSync(bundle.zipPath))["index.mjs"] as Uint8Array).toString("utf8");
    expect(index).toContain('from"node:path"');
    expect(index).not.toContain('"fflate"');
  });

  it("needs dependencies.ts beside the entry point", async () => {
    // Prepare
    rmSync(join(dir, "fn", "dependencies.ts"));
    // Act
    const act = bundleFunction(options);
    // Assess
    await expect(act).rejects.toThrow(
      "dependencies.ts is missing: a function's npm dependencies are re-exported from dependencies.ts beside its entry point (an empty module when it has none).",
    );
  });

  describe("with the cache", () => {
    const cached = (): BundleFunctionOptions => ({ ...options, cache: true });
    const dependenciesZip = (): string => join(dir, "out", "fn.dependencies.zip");

    it("rebuilds only the function's code when the code changed, copying the cached dependencies", async () => {
      // Prepare
      const first = await bundleFunction(cached());
      const dependenciesBuilt = mtime(dependenciesZip());
      writeFunction({ "index.ts": INDEX_TS.replace('"hé"', '"hi"') });
      // Act
      const second = await bundleFunction(cached());
      // Assess
      expect(mtime(dependenciesZip())).toBe(dependenciesBuilt);
      expect(second.sha256Hex).not.toBe(first.sha256Hex);
      const files = unzipSync(readFileSync(second.zipPath));
      expect(Buffer.from(files["index.mjs"] as Uint8Array).toString("utf8")).toContain('"hi"');
      expect(files["dependencies.mjs"]).toEqual(unzipSync(readFileSync(first.zipPath))["dependencies.mjs"]);
    });

    it("reuses the ZIP when nothing changed, and gives the same result as a build without cache", async () => {
      // Prepare
      const first = await bundleFunction(cached());
      const zipWritten = mtime(first.zipPath);
      // Act
      const second = await bundleFunction(cached());
      const uncached = await bundleFunction({ ...options, zipPath: join(dir, "uncached", "fn.zip") });
      // Assess
      expect(mtime(second.zipPath)).toBe(zipWritten);
      expect(second).toEqual(first);
      expect(readFileSync(uncached.zipPath).equals(readFileSync(first.zipPath))).toBe(true);
    });

    it("rebuilds the dependencies and the ZIP when dependencies.ts changed", async () => {
      // Prepare
      await bundleFunction(cached());
      writeFunction({ "dependencies.ts": `${DEPENDENCIES_TS}export { strFromU8 } from "fflate";\n` });
      // Act
      const second = await bundleFunction(cached());
      // Assess
      const dependencies = Buffer.from(unzipSync(readFileSync(second.zipPath))["dependencies.mjs"] as Uint8Array).toString("utf8");
      expect(dependencies).toMatch(/export\{.*\bstrFromU8\b.*\}/);
    });
  });
});

describe("bundleDependencies", () => {
  it("bundles dependencies.ts alone, and reports a still-valid cached bundle as not rebuilt", async () => {
    // Act
    const first = await bundleDependencies({ ...options, cache: true });
    const second = await bundleDependencies({ ...options, cache: true });
    // Assess
    expect(first.rebuilt).toBe(true);
    expect(second.rebuilt).toBe(false);
    expect(first.entries.map((entry) => entry.path)).toEqual(["dependencies.mjs"]);
    expect(second.entries).toEqual(first.entries);
    expect(first.zipPath).toBe(join(dir, "out", "fn.dependencies.zip"));
  });
});
