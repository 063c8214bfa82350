/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // The access journeys evaluate what the suites record: they run afterwards (jest.journeys.config.js).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/__tests__/journeys/"],
  moduleFileExtensions: ["ts", "mts", "js", "mjs", "cjs", "json"],
  // esbuild strips types per file; `tsc --noEmit`, run once by `npm test`, checks them.
  transform: { "^.+\\.m?[tj]s$": "<rootDir>/scripts/jest-transform.cjs" },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  maxWorkers: 2,
};
