import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { hashContent } from "../../packaging/content-hash";
import { cacheRoot, fileBytes, provisionOnce, run, ToolchainError, versionKey } from "../cache";

/** The resource types the pipeline loads; an example is kept when it is one, or a Bundle holding one. */
export const PIPELINE_RESOURCE_TYPES = ["Patient", "Encounter", "Condition"] as const;

/** The folder inside the jar that holds the specification's JSON examples (the IBM server's own are under json/ibm/). */
const SPEC_FOLDER = "json/spec/";

/** The IBM server's list of what its parser makes of each example (`OK`, `PARSE`, `VALIDATE`), kept beside each file. */
const SPEC_INDEX = "spec-json.txt";

function definitionFolder(root: string): string {
  return join(root, "toolchain", "fhir", "spec-examples");
}

/** Where the examples live: keyed by the pom, the jar's digest and this source file (the selection rule below). */
export function specExamplesDir(root: string): string {
  const folder = definitionFolder(root);
  const selection = join(root, "toolchain", "fhir", "spec-examples.ts");
  const key = versionKey(fileBytes(join(folder, "pom.xml")), fileBytes(join(folder, "jars.sha256")), fileBytes(selection));
  return join(cacheRoot(), "fhir", `spec-examples-${key}`);
}

/** Counts of the pipeline's resource types in one parsed example, Bundle entries (and nested Bundles) included. */
export function countPipelineResources(resource: unknown, counts: Map<string, number> = new Map()): Map<string, number> {
  if (typeof resource !== "object" || resource === null || Array.isArray(resource)) return counts;
  const { resourceType, entry } = resource as { resourceType?: unknown; entry?: unknown };
  if (typeof resourceType === "string" && (PIPELINE_RESOURCE_TYPES as readonly string[]).includes(resourceType))
    counts.set(resourceType, (counts.get(resourceType) ?? 0) + 1);
  if (resourceType === "Bundle" && Array.isArray(entry))
    for (const item of entry) countPipelineResources((item as { resource?: unknown } | null)?.resource, counts);
  return counts;
}

/**
 * Copies the fhir-examples jar with Maven, checks its SHA-256, and extracts into `examples/` every
 * specification example that is a Patient, Encounter or Condition or a Bundle holding one, with
 * `selection.tsv` (file, resourceType, the IBM parser's verdict, counts per type). Returns the folder
 * of examples, the one to hand to `etl:local` or a test.
 */
export function ensureSpecExamples(root: string): string {
  const dir = specExamplesDir(root);
  provisionOnce(dir, "the HL7 FHIR R4 specification examples (fhir-examples jar)", (target) => {
    const folder = definitionFolder(root);
    run("mvn", [
      "-B",
      "-q",
      "-f",
      join(folder, "pom.xml"),
      `-Dmaven.repo.local=${join(cacheRoot(), "maven", "repository")}`,
      "dependency:copy-dependencies",
      `-DoutputDirectory=${target}`,
    ]);
    const jar = checkedJar(folder, target);
    const files = unzipSync(fileBytes(join(target, jar)), {
      filter: (file) => file.name === SPEC_INDEX || (file.name.startsWith(SPEC_FOLDER) && file.name.endsWith(".json")),
    });
    const verdicts = new Map(
      new TextDecoder()
        .decode(files[SPEC_INDEX])
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => {
          const [verdict, path] = line.trim().split(/\s+/);
          return [path, verdict];
        }),
    );
    const examples = join(target, "examples");
    mkdirSync(examples);
    const rows = [["file", "resourceType", "ibm_parser", ...PIPELINE_RESOURCE_TYPES].join("\t")];
    for (const name of Object.keys(files).sort()) {
      if (name === SPEC_INDEX) continue;
      const resource: unknown = JSON.parse(new TextDecoder().decode(files[name]));
      const counts = countPipelineResources(resource);
      if (counts.size === 0) continue;
      const file = name.slice(SPEC_FOLDER.length);
      writeFileSync(join(examples, file), files[name]);
      const type = (resource as { resourceType?: string }).resourceType ?? "";
      rows.push([file, type, verdicts.get(name) ?? "", ...PIPELINE_RESOURCE_TYPES.map((t) => String(counts.get(t) ?? 0))].join("\t"));
    }
    if (rows.length === 1) throw new ToolchainError(`${jar} holds no Patient, Encounter or Condition example under ${SPEC_FOLDER}.`);
    writeFileSync(join(target, "selection.tsv"), `${rows.join("\n")}\n`);
  });
  return join(dir, "examples");
}

/** The one jar Maven copied, after checking its name and digest against `jars.sha256`. */
function checkedJar(folder: string, target: string): string {
  const [expected] = readFileSync(join(folder, "jars.sha256"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => line.trim().split(/\s+/));
  const copied = readdirSync(target).filter((name) => name.endsWith(".jar"));
  if (copied.length !== 1 || copied[0] !== expected[1])
    throw new ToolchainError(
      `toolchain/fhir/spec-examples/pom.xml resolved ${copied.join(", ")}; jars.sha256 lists ${expected[1]}. Update both together.`,
    );
  const actual = hashContent(fileBytes(join(target, copied[0]))).sha256Hex;
  if (actual !== expected[0])
    throw new ToolchainError(`${copied[0]}: SHA-256 ${actual} does not match ${expected[0]} in toolchain/fhir/spec-examples/jars.sha256.`);
  return copied[0];
}
