import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, relative, resolve, sep } from "node:path";
import type { BuildOptions } from "esbuild";
import { cacheKey, freshBuild, metafileInputs, recordBuild } from "./build-cache.cjs";
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
   * `build-cache.cjs`).
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
  /** Size of the minified code in bytes (entry file and chunks), before compression. */
  readonly bundleBytes: number;
}

// ESM output still meets a few `require()` calls for Node built-ins inside CommonJS dependencies.
const REQUIRE_SHIM = 'import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);';
const ZIP_LAYOUT_VERSION = 2;

/**
 * Bundles a handler and the AWS SDK v3 clients it imports into minified ESM (the `module` entry
 * points tree-shake to about half the CommonJS size) and writes a reproducible ZIP. Code the
 * SDK imports dynamically (the SSO, INI and web-identity credential providers Lambda never
 * needs, which reads its credentials from the environment) goes into `chunks/`, loaded only if
 * used: the entry file that cold start loads is a third of the single-file bundle.
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
    splitting: true,
    // Outputs stay in memory: outdir only names them (index.mjs, chunks/<name>-<content hash>.mjs).
    outdir: dirname(entry),
    entryNames: basename(bundleFileName, ".mjs"),
    chunkNames: "chunks/[name]-[hash]",
    outExtension: { ".js": ".mjs" },
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

  // Loaded only now: a synth whose ZIP is reused never needs esbuild (~7 ms).
  const { build } = await import("esbuild");
  const result = await build(buildOptions);
  const files = (result.outputFiles ?? []).map((file) => ({ path: relative(dirname(entry), file.path).split(sep).join("/"), data: file.contents }));
  if (!files.some((file) => file.path === bundleFileName)) {
    throw new Error(`Bundling ${options.entry} produced no ${bundleFileName}; it produced ${files.map((f) => f.path).join(", ") || "nothing"}.`);
  }
  const zip = createDeterministicZip(files);
  const bundleBytes = files.reduce((sum, file) => sum + file.data.length, 0);
  mkdirSync(dirname(zipPath), { recursive: true });
  writeFileSync(zipPath, zip);
  if (key && result.metafile) recordBuild(manifestPath, key, metafileInputs(result.metafile, dirname(entry)), { bundleBytes });
  return { zipPath, zipBytes: zip.length, bundleBytes, ...hashContent(zip) };
}
