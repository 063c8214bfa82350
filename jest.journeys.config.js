/**
 * The access journeys (__tests__/journeys/): run after the suites whose real tools record the calls
 * (`npm test` does, `npm run test:journeys` alone reads the last recordings in .build/journeys/).
 * @type {import('jest').Config}
 */
module.exports = {
  ...require("./jest.config.js"),
  roots: ["<rootDir>/__tests__/journeys"],
  testPathIgnorePatterns: ["/node_modules/"],
};
