/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  moduleFileExtensions: ["ts", "mts", "js", "mjs", "cjs", "json"],
  // esbuild strips types per file; `tsc --noEmit`, run once by `npm test`, checks them.
  transform: { "^.+\\.m?[tj]s$": "<rootDir>/scripts/jest-transform.cjs" },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  maxWorkers: 2,
};
