// Jest transform: esbuild strips TypeScript types and turns ES modules into CommonJS, per file,
// without type-checking (`tsc --noEmit` does that once in `npm test`). esbuild is already a
// dependency; swc's per-platform binaries are not all on the registry mirror npm ci uses here.
const { transformSync } = require("esbuild");
const { createHash } = require("node:crypto");
const { version } = require("esbuild/package.json");

const loaders = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".js": "js", ".mjs": "js", ".cjs": "js" };
const options = {
  format: "cjs",
  target: "node20",
  // As scripts/run-ts.cjs compiles the app: import() of a package becomes require().
  supported: { "dynamic-import": false },
  sourcemap: "inline",
  logLevel: "silent",
};
// Part of jest's cache key, so a change to these options transforms every file again.
const optionsKey = JSON.stringify({ version, options });

module.exports = {
  process(source, filename) {
    const extension = filename.slice(filename.lastIndexOf("."));
    const result = transformSync(source, { ...options, loader: loaders[extension] ?? "js", sourcefile: filename });
    return { code: result.code };
  },
  getCacheKey(source, filename) {
    return createHash("sha1").update(optionsKey).update("\0").update(filename).update("\0").update(source).digest("hex");
  },
};
