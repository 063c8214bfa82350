import { skippedChecks } from "../../toolchain/checkov/checkov";
import { PROJECT_ROOT } from "../support/metriccare-stack";

// Checkov itself runs after jest (`npm run scan:checkov`, part of npm test): its graph build takes
// ~20 s of CPU, which would slow the parallel test files. Here: its configuration.
describe(".checkov.yaml", () => {
  it("skips only Checkov AWS checks, each with its reason", () => {
    // Act
    const skipped = skippedChecks(PROJECT_ROOT);
    // Assess
    expect(skipped.length).toBeGreaterThan(0);
    for (const { check, reason } of skipped) {
      expect(check).toMatch(/^CKV2?_AWS_\d+$/);
      expect(reason.length).toBeGreaterThan(20);
    }
  });
});
