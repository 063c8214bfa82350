import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ToolchainError } from "../../toolchain/cache";
import { countPipelineResources } from "../../toolchain/fhir/spec-examples";
import { expectedDigests, SYNTHEA_POPULATION } from "../../toolchain/fhir/synthea-population";
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
  it("pins one digest per generated patient file", () => {
    // Act
    const digests = expectedDigests(PROJECT_ROOT);
    // Assess
    expect(digests.size).toBe(SYNTHEA_POPULATION.patients);
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
