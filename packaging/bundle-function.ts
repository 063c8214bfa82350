import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { BuildOptions, BuildResult, Plugin } from "esbuild";
import { cacheKey, freshBuild, metafileInputs, recordBuild } from "./build-cache.cjs";
import { hashContent, type ContentHash } from "./content-hash";
import { compressZipEntry, readZipEntries, writeZip, type CompressedZipEntry } from "./deterministic-zip";

/** Options for {@link bundleFunction}. */
export interface BundleFunctionOptions {
  /**
   * TypeScript entry point that exports the handler. The npm packages the function uses are
   * re-exported by `dependencies.ts` beside it (see {@link bundleFunction}).
   */
  readonly entry: string;
  /** Where the ZIP is written. */
  readonly zipPath: string;
  /**
   * File name of the bundle inside the ZIP; the Lambda handler is `<name without .mjs>.handler`.
   * @default "index.mjs"
   */
  readonly bundleFileName?: string;
  /**
   * Reuse the ZIP, and the bundled dependencies, of the previous build when nothing they were
   * built from changed (see `build-cache.cjs`).
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
  /** Size of the minified code in bytes (entry file, dependencies and chunks), before compression. */
  readonly bundleBytes: number;
}

/** The function's npm dependencies, bundled and compressed, ready to be merged into its ZIP. */
export interface BundledDependencies {
  /** Where they are kept between builds: a ZIP of dependencies.mjs and chunks/. */
  readonly zipPath: string;
  readonly entries: readonly CompressedZipEntry[];
  /** Whether this call bundled them (false: the previous build was still valid). */
  readonly rebuilt: boolean;
}

/** The module of a function that re-exports the npm packages it uses, and its name in the ZIP. */
const DEPENDENCIES_MODULE = "dependencies";
const DEPENDENCIES_FILE = `${DEPENDENCIES_MODULE}.mjs`;
// ESM output still meets a few `require()` calls for Node built-ins inside CommonJS dependencies.
const REQUIRE_SHIM = 'import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);';
const ZIP_LAYOUT_VERSION = 3;

const COMMON_OPTIONS = {
  bundle: true,
  minify: true,
  format: "esm",
  platform: "node",
  target: "node22",
  legalComments: "none",
  write: false,
  outExtension: { ".js": ".mjs" },
  logLevel: "silent",
} satisfies BuildOptions;

const dependenciesEntry = (entry: string): string => join(dirname(resolve(entry)), `${DEPENDENCIES_MODULE}.ts`);
/** Where {@link bundleDependencies} keeps a function's bundled dependencies, beside its ZIP. */
export const dependenciesZipPath = (zipPath: string): string => resolve(zipPath).replace(/(\.zip)?$/, `.${DEPENDENCIES_MODULE}.zip`);

interface DependenciesBuild {
  readonly entry: string;
  readonly zipPath: string;
  readonly manifestPath: string;
  readonly buildOptions: BuildOptions;
  readonly key: string | undefined;
  /** The cached ZIP is still valid (only checked when caching). */
  readonly fresh: boolean;
}

/** Where a function's dependencies are bundled from and to, and whether the cached bundle is still valid. */
function planDependencies(options: BundleFunctionOptions): DependenciesBuild {
  const entry = dependenciesEntry(options.entry);
  const zipPath = dependenciesZipPath(options.zipPath);
  if (!existsSync(entry)) {
    throw new Error(
      `${relative(process.cwd(), entry)} is missing: a function's npm dependencies are re-exported from ${DEPENDENCIES_MODULE}.ts beside its entry point (an empty module when it has none).`,
    );
  }
  const buildOptions: BuildOptions = {
    ...COMMON_OPTIONS,
    entryPoints: [entry],
    absWorkingDir: dirname(entry),
    mainFields: ["module", "main"],
    banner: { js: REQUIRE_SHIM },
    splitting: true,
    // Outputs stay in memory: outdir only names them (dependencies.mjs, chunks/<name>-<content hash>.mjs).
    outdir: dirname(entry),
    entryNames: DEPENDENCIES_MODULE,
    chunkNames: "chunks/[name]-[hash]",
    metafile: true,
  };
  const manifestPath = `${zipPath}.inputs.json`;
  const key = options.cache ? cacheKey({ ...buildOptions, zipLayout: ZIP_LAYOUT_VERSION }, dirname(entry)) : undefined;
  const fresh = key !== undefined && freshBuild(manifestPath, key, [zipPath]) !== undefined;
  return { entry, zipPath, manifestPath, buildOptions, key, fresh };
}

async function runDependencies(plan: DependenciesBuild): Promise<BundledDependencies> {
  if (plan.fresh) return { zipPath: plan.zipPath, entries: readZipEntries(readFileSync(plan.zipPath)), rebuilt: false };
  const result = await esbuild(plan.buildOptions);
  const entries = outputEntries(result, dirname(plan.entry)).map(compressZipEntry);
  mkdirSync(dirname(plan.zipPath), { recursive: true });
  writeFileSync(plan.zipPath, writeZip(entries));
  if (plan.key && result.metafile) recordBuild(plan.manifestPath, plan.key, metafileInputs(result.metafile, dirname(plan.entry)));
  return { zipPath: plan.zipPath, entries, rebuilt: true };
}

/**
 * Bundles the npm packages a function uses: its `dependencies.ts` and what that re-exports (the
 * AWS SDK v3 clients, Powertools) into minified ESM `dependencies.mjs`. Only the re-exported
 * names are kept (the `module` entry points tree-shake to about half the CommonJS size). Code
 * the SDK imports dynamically (the SSO, INI and web-identity credential providers Lambda never
 * needs: it reads its credentials from the environment) goes into `chunks/`, loaded only if used.
 * This is the slow part of packaging (~1,200 input files; docs/decisions/synth-build.md); with `cache` it is kept
 * beside the function's ZIP, and `npm ci` prepares it (scripts/prepare-functions.ts).
 */
export function bundleDependencies(options: BundleFunctionOptions): Promise<BundledDependencies> {
  return runDependencies(planDependencies(options));
}

/**
 * Bundles a handler into minified ESM `index.mjs`, merges it with its bundled dependencies
 * ({@link bundleDependencies}) and writes a reproducible ZIP: `index.mjs`, `dependencies.mjs`,
 * `chunks/`. The function's own code imports npm packages only through `dependencies.ts`, which
 * stays a separate module, so a change to the code bundles only the function's own files (both
 * builds run at once when both are needed) and the dependencies' compressed entries are copied
 * from their cached ZIP.
 */
export async function bundleFunction(options: BundleFunctionOptions): Promise<FunctionBundle> {
  const bundleFileName = options.bundleFileName ?? "index.mjs";
  const entry = resolve(options.entry);
  const zipPath = resolve(options.zipPath);
  const dependenciesPlan = planDependencies(options);
  const buildOptions: BuildOptions = {
    ...COMMON_OPTIONS,
    entryPoints: [entry],
    absWorkingDir: dirname(entry),
    outfile: join(dirname(entry), bundleFileName),
    metafile: true,
  };
  const manifestPath = `${zipPath}.inputs.json`;
  // The plugin below is code, not data: ZIP_LAYOUT_VERSION in the key stands for it.
  const key = options.cache ? cacheKey({ ...buildOptions, zipLayout: ZIP_LAYOUT_VERSION }, dirname(entry)) : undefined;
  // The dependencies' ZIP is one of the recorded inputs, so this is only valid when they are.
  const cached = key && dependenciesPlan.fresh ? freshBuild<{ bundleBytes: number }>(manifestPath, key, [zipPath]) : undefined;
  if (cached) {
    const zip = readFileSync(zipPath);
    return { zipPath, zipBytes: zip.length, bundleBytes: cached.bundleBytes, ...hashContent(zip) };
  }

  const [result, dependencies] = await Promise.all([
    esbuild({ ...buildOptions, plugins: [dependenciesOnlyThroughModule(dependenciesPlan.entry)] }),
    runDependencies(dependenciesPlan),
  ]);
  const files = outputEntries(result, dirname(entry));
  if (!files.some((file) => file.path === bundleFileName)) {
    throw new Error(
      `Bundling ${options.entry} produced no ${bundleFileName}; it produced ${files.map((f) => f.path).join(", ") || "nothing"}.`,
    );
  }
  const zip = writeZip([...dependencies.entries, ...files.map(compressZipEntry)]);
  const bundleBytes = [...files.map((file) => file.data.length), ...dependencies.entries.map((e) => e.size)].reduce((a, b) => a + b, 0);
  mkdirSync(dirname(zipPath), { recursive: true });
  writeFileSync(zipPath, zip);
  if (key && result.metafile)
    recordBuild(manifestPath, key, [...metafileInputs(result.metafile, dirname(entry)), dependencies.zipPath], { bundleBytes });
  return { zipPath, zipBytes: zip.length, bundleBytes, ...hashContent(zip) };
}

async function esbuild(options: BuildOptions): Promise<BuildResult> {
  // Loaded only now: a synth whose ZIP is reused never needs esbuild.
  const { build } = await import("esbuild");
  return build(options);
}

/** The in-memory output files of a build, with paths relative to `directory` and "/" separators. */
function outputEntries(result: BuildResult, directory: string): { path: string; data: Uint8Array }[] {
  return (result.outputFiles ?? []).map((file) => ({ path: relative(directory, file.path).split(sep).join("/"), data: file.contents }));
}

/**
 * Keeps `dependencies.ts` out of the function's bundle (it becomes an import of the separate
 * `./dependencies.mjs`) and refuses any other import of an npm package, which would bundle a
 * second copy of it into the function's code.
 */
function dependenciesOnlyThroughModule(dependenciesFile: string): Plugin {
  const withoutExtension = dependenciesFile.replace(/\.ts$/, "");
  return {
    name: "dependencies-only-through-module",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === "entry-point" || isBuiltin(args.path)) return undefined;
        if (args.path.startsWith(".") || args.path.startsWith("/")) {
          const target = resolve(args.resolveDir, args.path);
          return target === withoutExtension || target === dependenciesFile || target === `${withoutExtension}.js`
            ? { path: `./${DEPENDENCIES_FILE}`, external: true }
            : undefined;
        }
        const importer = relative(dirname(dependenciesFile), args.importer).split(sep).join("/");
        return {
          errors: [
            {
              text: `${importer} imports "${args.path}" directly. A function imports npm packages only through ./${DEPENDENCIES_MODULE}: re-export what it needs there (type-only imports may name the package), so the packages are bundled once, not on every change to the code.`,
            },
          ],
        };
      });
    },
  };
}
