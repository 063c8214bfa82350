// A content-verified cache for esbuild outputs, shared by scripts/run-ts.cjs (the app) and
// packaging/bundle-function.ts (the Lambda). A build is reused only when the esbuild version, the
// build options, package-lock.json and the bytes of every input esbuild read last time are all
// unchanged; any difference rebuilds. An input whose size and modification time (nanoseconds)
// are as recorded is not read again: that check runs on every synth, before anything else.
// Plain CommonJS so run-ts.cjs can use it before TypeScript runs, without starting Node's ES module
// loader or loading esbuild's API when every build is reused (docs/decisions/synth-build.md).
"use strict";
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } = require("node:fs");
const { dirname, resolve } = require("node:path");
const { version: esbuildVersion } = require("esbuild/package.json");

const hashFile = (path) => createHash("sha1").update(readFileSync(path)).digest("hex");

/** Size and modification time of a file, or undefined when it is gone. */
function fileStamp(path) {
  const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
  return stat && { size: String(stat.size), mtimeNs: String(stat.mtimeNs) };
}

/** The nearest package-lock.json at or above `directory`. */
function findLockfile(directory) {
  for (let dir = resolve(directory); ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, "package-lock.json"))) return resolve(dir, "package-lock.json");
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The part of the cache key that does not depend on the inputs: the options, the esbuild version
 * and the project's package-lock.json (found from `directory` up), since dependency versions
 * (esbuild's resolution, fflate's compression) change outputs without changing any input file.
 */
function cacheKey(options, directory) {
  const lockfile = findLockfile(directory);
  return JSON.stringify({ esbuildVersion, lockfile: lockfile ? lockfileHash(lockfile) : null, options });
}

// A synth asks for up to four keys (app, function, its dependencies, ETL package): hash the lock
// file once per process while its size and modification time stay the same.
const lockfileHashes = new Map();
function lockfileHash(path) {
  const stamp = fileStamp(path);
  const id = `${path}\0${stamp?.size}\0${stamp?.mtimeNs}`;
  if (!lockfileHashes.has(id)) lockfileHashes.set(id, hashFile(path));
  return lockfileHashes.get(id);
}

/**
 * The `details` recorded with the last build when it is still valid: `manifestPath` records `key`,
 * every output exists and every recorded input still has the same bytes. Otherwise `undefined`.
 * An input touched without a change (git checkout, npm ci reinstalling the same packages) gets
 * its new size and time recorded, so the next check does not read it again.
 */
function freshBuild(manifestPath, key, outputs) {
  if (!existsSync(manifestPath) || !outputs.every((output) => existsSync(output))) return undefined;
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch {
    return undefined;
  }
  if (manifest.key !== key) return undefined;
  let restamped = false;
  for (const [path, recorded] of Object.entries(manifest.inputs)) {
    const stamp = fileStamp(path);
    if (!stamp || stamp.size !== recorded.size) return undefined;
    if (stamp.mtimeNs === recorded.mtimeNs) continue;
    if (hashFile(path) !== recorded.sha1) return undefined;
    recorded.mtimeNs = stamp.mtimeNs;
    restamped = true;
  }
  if (restamped) writeManifest(manifestPath, manifest);
  return manifest.details;
}

/** Records the input files of a finished build and `details` about it under `key`. */
function recordBuild(manifestPath, key, inputPaths, details = {}) {
  const inputs = {};
  for (const path of [...inputPaths].sort()) inputs[path] = { ...fileStamp(path), sha1: hashFile(path) };
  writeManifest(manifestPath, { key, details, inputs });
}

function writeManifest(manifestPath, manifest) {
  mkdirSync(dirname(manifestPath), { recursive: true });
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 1));
}

/** The files an esbuild build read, from its metafile (esbuild's virtual modules such as "<stdin>" left out). */
function metafileInputs(metafile, absWorkingDir) {
  return Object.keys(metafile.inputs)
    .filter((input) => !input.startsWith("<"))
    .map((input) => resolve(absWorkingDir, input));
}

module.exports = { cacheKey, freshBuild, recordBuild, metafileInputs };
