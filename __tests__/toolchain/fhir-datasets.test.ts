import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ToolchainError } from "../../toolchain/cache";
import { countPipelineResources } from "../../toolchain/fhir/spec-examples";
import {
  differingFiles,
  expectedDigests,
  SYNTHEA_MAX_PATIENTS,
  SYNTHEA_POPULATION,
  syntheaPopulationDir,
  syntheaSize,
} from "../../toolchain/fhir/synthea-population";
import { PROJECT_ROOT } from "../support/metriccare-stack";

function rootWithDigests(text: string): string {
  const root = mkdtempSync(join(tmpdir(), "metriccare-fhir-"));
  mkdirSync(join(root, "toolchain", "fhir", "synthea"), { recursive: true });
  writeFileSync(join(root, "toolchain", "fhir", "synthea", "population.sha256"), text);
  return root;
}

describe("countPipelineResources (which specification examples are extracted)", () => {
  it("counts Patients, Encounters and Conditions, in Bundles and nested Bundles too", () => {
    // Prepare
    const bundle = {
      resourceType: "Bundle",
      entry: [
        { resource: { resourceType: "Patient" } },
        {
          resource: {
            resourceType: "Bundle",
            entry: [{ resource: { resourceType: "Condition" } }, { resource: { resourceType: "Condition" } }],
          },
        },
        { resource: { resourceType: "Observation" } },
        { resource: { resourceType: "patient" } },
        { request: { method: "DELETE" } },
        null,
      ],
    };
    // Act
    const counts = countPipelineResources(bundle);
    // Assess
    expect(Object.fromEntries(counts)).toEqual({ Patient: 1, Condition: 2 });
  });

  it("counts nothing in a resource of another type or in what is not a resource", () => {
    expect(countPipelineResources({ resourceType: "StructureDefinition", id: "Patient" }).size).toBe(0);
    expect(countPipelineResources(["Patient"]).size).toBe(0);
    expect(countPipelineResources("Patient").size).toBe(0);
  });
});

describe("the Synthea population's digests", () => {
  it("pins one digest per patient file of the largest population, which holds the suite's", () => {
    // Act
    const digests = expectedDigests(PROJECT_ROOT);
    // Assess
    expect(digests.size).toBe(SYNTHEA_MAX_PATIENTS);
    expect(SYNTHEA_POPULATION.patients).toBeLessThan(SYNTHEA_MAX_PATIENTS);
    for (const [name, sha256] of digests) {
      expect(name).toMatch(/\.json$/);
      expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("reads file names with spaces and accents as Synthea writes them", () => {
    // Prepare
    const root = rootWithDigests(`${"a".repeat(64)}  Miguel Ángel_Escalante_887af0a7.json\n`);
    // Act
    const digests = expectedDigests(root);
    // Assess
    expect([...digests]).toEqual([["Miguel Ángel_Escalante_887af0a7.json", "a".repeat(64)]]);
  });

  it("refuses a line that is not a digest and a file name", () => {
    // Prepare
    const root = rootWithDigests("abc  x.json\n");
    // Act, Assess
    expect(() => expectedDigests(root)).toThrow(ToolchainError);
    expect(() => expectedDigests(root)).toThrow('toolchain/fhir/synthea/population.sha256: "abc  x.json" is not "<sha256>  <file name>".');
  });
});

describe("the Synthea population's size", () => {
  it.each([
    ["1", 1],
    ["8", 8],
    ["50", 50],
  ])("reads %j as %d patients", (text, patients) => {
    expect(syntheaSize(text)).toBe(patients);
  });

  it.each(["0", "51", "5.5", "-3", "x", ""])("refuses %j, naming what it takes", (text) => {
    expect(() => syntheaSize(text)).toThrow(
      `fhir-synthea:<patients> takes a whole number of patients from 1 to 50 (the population toolchain/fhir/synthea/population.sha256 pins), got "${text}".`,
    );
  });

  it("keeps each size in its own cache folder, the suite's by default", () => {
    expect(syntheaPopulationDir(PROJECT_ROOT)).toBe(syntheaPopulationDir(PROJECT_ROOT, SYNTHEA_POPULATION.patients));
    expect(syntheaPopulationDir(PROJECT_ROOT, 50)).not.toBe(syntheaPopulationDir(PROJECT_ROOT, 8));
  });
});

describe("differingFiles (the generated files against the pinned digests)", () => {
  const pinned = new Map([
    ["a.json", "1"],
    ["b.json", "2"],
    ["c.json", "3"],
  ]);

  it.each([
    [
      "the first files of the population",
      [
        ["a.json", "1"],
        ["b.json", "2"],
      ],
      2,
      [],
    ],
    [
      "the whole population",
      [
        ["a.json", "1"],
        ["b.json", "2"],
        ["c.json", "3"],
      ],
      3,
      [],
    ],
    [
      "a file generated otherwise",
      [
        ["a.json", "1"],
        ["b.json", "9"],
      ],
      2,
      ["b.json"],
    ],
    [
      "a file the list lacks",
      [
        ["a.json", "1"],
        ["z.json", "2"],
      ],
      2,
      ["z.json"],
    ],
    ["a file too few", [["a.json", "1"]], 2, ["1 files for 2 patients"]],
    [
      "a pinned file missing from the whole population",
      [
        ["a.json", "1"],
        ["b.json", "2"],
        ["z.json", "3"],
      ],
      3,
      ["c.json", "z.json"],
    ],
  ] as const)("%s: %j", (_, generated, patients, expected) => {
    // Act
    const differing = differingFiles(pinned, new Map(generated), patients);
    // Assess
    expect(differing.sort()).toEqual([...expected].sort());
  });
});
