import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { build, type BuildOptions } from "esbuild";
import { cacheKey, freshBuild, metafileInputs, recordBuild } from "./build-cache.mjs";
import { hashContent, type ContentHash } from "./content-hash";
import { createDeterministicZip } from "./deterministic-zip";

/** Options for {@link bundleFunction}. */
export interface BundleFunctionOptions {
  /** TypeScript entry point that exports the handler. */
  readonly entry: string;
  /** Where the ZIP is written. */
  readonly zipPath: string;
  /**
   * File name of the bundle inside the ZIP; the Lambda handler is `<name without .mjs>.handler`.
   * @default "index.mjs"
   */
  readonly bundleFileName?: string;
  /**
   * Reuse the ZIP of the previous build when nothing it was built from changed (see
   * `build-cache.mjs`).
   * @default false
   */
  readonly cache?: boolean;
}

/** A bundled, zipped Lambda function ready to upload. */
export interface FunctionBundle extends ContentHash {
  /** Absolute path of the ZIP. */
  readonly zipPath: string;
  /** Size of the ZIP in bytes. */
  readonly zipBytes: number;
  /** Size of the minified bundle in bytes, before compression. */
  readonly bundleBytes: number;
}

// ESM output still meets a few `require()` calls for Node built-ins inside CommonJS dependencies.
const REQUIRE_SHIM = 'import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);';
const ZIP_LAYOUT_VERSION = 1;

/**
 * Bundles a handler and the AWS SDK v3 clients it imports into one minified ESM file (the
 * `module` entry points tree-shake to about half the CommonJS size) and writes a reproducible ZIP.
 */
export async function bundleFunction(options: BundleFunctionOptions): Promise<FunctionBundle> {
  const bundleFileName = options.bundleFileName ?? "index.mjs";
  const entry = resolve(options.entry);
  const zipPath = resolve(options.zipPath);
  const buildOptions: BuildOptions = {
    entryPoints: [entry],
    absWorkingDir: dirname(entry),
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node22",
    mainFields: ["module", "main"],
    legalComments: "none",
    banner: { js: REQUIRE_SHIM },
    write: false,
    outfile: join(dirname(entry), bundleFileName),
    logLevel: "silent",
    metafile: options.cache === true,
  };
  const manifestPath = `${zipPath}.inputs.json`;
  const key = options.cache ? cacheKey({ ...buildOptions, zipLayout: ZIP_LAYOUT_VERSION }, dirname(entry)) : undefined;
  const cached = key ? freshBuild<{ bundleBytes: number }>(manifestPath, key, [zipPath]) : undefined;
  if (cached) {
    const zip = readFileSync(zipPath);
    return { zipPath, zipBytes: zip.length, bundleBytes: cached.bundleBytes, ...hashContent(zip) };
  }

  const result = await build(buildOptions);
  const bundle = result.outputFiles?.[0];
  if (bundle === undefined || result.outputFiles?.length !== 1) {
    throw new Error(`Bundling ${options.entry} produced ${result.outputFiles?.length ?? 0} files; expected exactly one.`);
  }
  const zip = createDeterministicZip([{ path: bundleFileName, data: bundle.contents }]);
  mkdirSync(dirname(zipPath), { recursive: true });
  writeFileSync(zipPath, zip);
  if (key && result.metafile) recordBuild(manifestPath, key, metafileInputs(result.metafile, dirname(entry)), { bundleBytes: bundle.contents.length });
  return { zipPath, zipBytes: zip.length, bundleBytes: bundle.contents.length, ...hashContent(zip) };
}
