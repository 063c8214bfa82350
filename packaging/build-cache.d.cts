import type { Metafile } from "esbuild";

/**
 * The part of the cache key that does not depend on the inputs: the options, the esbuild version
 * and the project's package-lock.json (found from `directory` up), since dependency versions
 * (esbuild's resolution, fflate's compression) change outputs without changing any input file.
 */
export function cacheKey(options: unknown, directory: string): string;
/**
 * The `details` recorded with the last build when it is still valid: `manifestPath` records `key`,
 * every output exists and every recorded input still has the same bytes. Otherwise `undefined`.
 */
export function freshBuild<T extends object>(manifestPath: string, key: string, outputs: string[]): T | undefined;
/** Records the input files of a finished build and `details` about it under `key`. */
export function recordBuild(manifestPath: string, key: string, inputPaths: readonly string[], details?: object): void;
/** The files an esbuild build read, from its metafile (esbuild's virtual modules such as "<stdin>" left out). */
export function metafileInputs(metafile: Metafile, absWorkingDir: string): string[];
