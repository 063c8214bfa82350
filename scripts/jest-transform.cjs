// Jest transform: esbuild strips TypeScript types and turns ES modules into CommonJS, per file,
// without type-checking (`tsc --noEmit` does that once in `npm test`). esbuild is already a
// dependency; swc's per-platform binaries are not all on the registry mirror npm ci uses here.
const { transformSync } = require("esbuild");
const { createHash } = require("node:crypto");
const { version } = require("esbuild/package.json");

const loaders = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".js": "js", ".mjs": "js", ".cjs": "js" };

module.exports = {
  process(source, filename) {
    const extension = filename.slice(filename.lastIndexOf("."));
    const result = transformSync(source, {
      loader: loaders[extension] ?? "js",
      format: "cjs",
      target: "node20",
      sourcemap: "inline",
      sourcefile: filename,
      logLevel: "silent",
    });
    return { code: result.code };
  },
  getCacheKey(source, filename) {
    return createHash("sha1").update(version).update("\0").update(filename).update("\0").update(source).digest("hex");
  },
};
