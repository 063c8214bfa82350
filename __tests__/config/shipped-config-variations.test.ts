import { spawnSync } from "node:child_process";
import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { PROJECT_ROOT } from "../support/metriccare-stack";
import { cleanClone, runSynth } from "../support/project-clone";

// A user edits config/metriccare.config.ts (README: "to add an environment, add an entry"); the tests must
// not turn that into failures. Tests build their own configurations (support/config-fixtures.ts); the few
// that read the shipped one derive their expectations from it, and this suite proves it on a clone.

/** The test files that may read the shipped configuration, each for a reason. */
const READS_SHIPPED_CONFIG = [
  // Its messages name the shipped environments, as `npm run synth` prints them.
  "__tests__/config/validate-config.test.ts",
  // docs/architecture.md is drawn from the shipped configuration: the one check a user's edit makes stale (README).
  "__tests__/scripts/architecture-diagram.test.ts",
];

/** The Python tests that synthesize the stack and read their expectations from it, run on the clone. */
const PYTHON_READS_SYNTHESIZED_STACK = [
  "etl/tests/test_job_args_synthesized.py",
  "etl/tests/test_quality_metrics.py",
  "etl/tests/test_shipped_package.py",
];
/** Python tests that synthesize the stack but stay out of the clone's run, each for a reason. */
const PYTHON_NOT_RUN_ON_THE_VARIATION = [
  // Spark, Hudi and moto for minutes; the workflow runs in the local runtime's own region and workspace `dev`.
  "etl/tests/test_end_to_end.py",
  // The workflow test_end_to_end.py and the catalog and Trino tests share (a fixture module, not tests).
  "etl/tests/e2e_workflow.py",
  // The R4 examples and the Synthea population through the jobs: the same runtime, for minutes more.
  "etl/tests/test_real_fhir_data.py",
];

/** The variation: an added environment, another region, the data-event trail on and a permissions boundary. */
const VARIATION = `
Object.assign(metricCareConfig, {
  awsRegion: "eu-west-1",
  createDataEventTrail: true,
  permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/metriccare-boundary",
  environments: [...metricCareConfig.environments, { ...metricCareConfig.environments[0], name: "qa" }],
});
`;

function testFiles(dir: string, suffix = ".ts"): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? testFiles(join(dir, entry.name), suffix) : entry.name.endsWith(suffix) ? [join(dir, entry.name)] : [],
  );
}

describe("the test suite under a user's configuration", () => {
  it("reads config/metriccare.config.ts only in the tests that say why", () => {
    // Act
    const readers = testFiles(join(PROJECT_ROOT, "__tests__"))
      .filter((file) => /config\/metriccare\.config["']/.test(readFileSync(file, "utf8")))
      .map((file) => relative(PROJECT_ROOT, file));
    // Assess
    expect(readers.sort()).toEqual([...READS_SHIPPED_CONFIG].sort());
  });

  it("runs on the variation every Python test that synthesizes the stack, or says why not", () => {
    // Act
    const synthesizing = testFiles(join(PROJECT_ROOT, "etl", "tests"), ".py")
      .filter((file) => /\bsynthesized_stack\b|\bsynthesize\(/.test(readFileSync(file, "utf8")))
      .map((file) => relative(PROJECT_ROOT, file))
      .filter((file) => file !== "etl/tests/conftest.py");
    // Assess
    expect(synthesizing.sort()).toEqual([...PYTHON_READS_SYNTHESIZED_STACK, ...PYTHON_NOT_RUN_ON_THE_VARIATION].sort());
  });

  it("passes the configuration, stack and synthesized-stack Python suites, and synth, with an added environment, another region, the trail and a boundary", () => {
    // Prepare: the variation committed in a clone (clone tests inside clone its committed tree).
    const clone = cleanClone();
    appendFileSync(join(clone, "config", "metriccare.config.ts"), VARIATION);
    const git = (...args: string[]) =>
      spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.org", ...args], { cwd: clone });
    expect(git("commit", "--quiet", "--all", "--message", "configuration variation").status).toBe(0);
    // Act
    const synth = runSynth(clone);
    const jest = spawnSync(
      process.execPath,
      [
        join(clone, "node_modules", "jest", "bin", "jest.js"),
        "--ci",
        "--silent",
        "__tests__/config",
        "__tests__/stacks",
        "--testPathIgnorePatterns",
        "architecture-diagram",
        "shipped-config-variations",
      ],
      { cwd: clone, encoding: "utf8", env: { ...process.env, CI: "true" } },
    );
    const pytest = spawnSync(
      process.execPath,
      [
        join(clone, "scripts", "run-ts.cjs"),
        "toolchain/python/run.ts",
        "test",
        "-m",
        "pytest",
        "-c",
        "etl/pyproject.toml",
        "-p",
        "no:cacheprovider",
        ...PYTHON_READS_SYNTHESIZED_STACK,
      ],
      { cwd: clone, encoding: "utf8", env: { ...process.env, CI: "true" } },
    );
    // Assess
    expect(synth.stderr).toBe("");
    expect(synth.status).toBe(0);
    expect(synth.stdout).toMatch(/^ {2}qa /m);
    expect(jest.stderr).toMatch(/Tests: +\d+ passed, \d+ total/);
    expect(jest.status).toBe(0);
    expect(pytest.stdout).toMatch(/^=+ \d+ passed in /m); // all passed: the summary line starts with the passed count
    expect(pytest.status).toBe(0);
  }, 600_000);
});
