import type { Construct } from "constructs";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UploadScripts, type UploadScriptsProps } from "../../../../modules/s3/upload_scripts/upload-scripts";
import { testBucket } from "../../../support/construct-fixtures";
import { synthConstruct } from "../../../support/construct-synth";
import { fixtureFunctionBundle, tempDirectory, testKey, writeFile } from "../../../support/test-context";

const sha256 = (content: string | Buffer): string => createHash("sha256").update(content).digest("hex");

interface Sources {
  readonly jobs: string;
  readonly packageDirectory: string;
  readonly staging: string;
}

/** Two job scripts (and a README), a Python package `metriccare_etl`, and an empty staging folder. */
function sources(): Sources {
  const root = tempDirectory();
  const jobs = join(root, "jobs");
  mkdirSync(jobs);
  writeFile(jobs, "bronze_job.py", "print('bronze')\n");
  writeFile(jobs, "gold_job.py", "print('gold')\n");
  writeFile(jobs, "README.md", "# jobs\n");
  const packageDirectory = join(root, "metriccare_etl");
  mkdirSync(packageDirectory);
  writeFile(packageDirectory, "__init__.py", "");
  writeFile(packageDirectory, "bronze.py", "X = 1\n");
  return { jobs, packageDirectory, staging: join(root, "staging") };
}

function uploadScripts(scope: Construct, source: Sources, props: Partial<UploadScriptsProps> = {}): UploadScripts {
  return new UploadScripts(scope, "upload_scripts", {
    bucket: testBucket(scope, testKey(scope), "scripts"),
    glueJobsDirectory: source.jobs,
    gluePythonPackageDirectory: source.packageDirectory,
    stagingDirectory: source.staging,
    functionBundles: { glue_trigger: fixtureFunctionBundle() },
    ...props,
  });
}

describe("UploadScripts", () => {
  it("uploads each .py job script under glue/scripts/ keyed by content hash", () => {
    // Prepare
    const source = sources();
    // Act
    const { resource, resourcesByPath } = synthConstruct((scope) => uploadScripts(scope, source));
    // Assess
    expect(resource("aws_s3_object", "upload_scripts/glue_script_bronze_job/object").key).toBe(
      `glue/scripts/bronze_job-${sha256("print('bronze')\n")}.py`,
    );
    expect(resource("aws_s3_object", "upload_scripts/glue_script_gold_job/object").key).toBe(
      `glue/scripts/gold_job-${sha256("print('gold')\n")}.py`,
    );
    expect(Object.keys(resourcesByPath("aws_s3_object")).filter((path) => path.includes("glue_script_"))).toHaveLength(2);
  });

  it("zips the Python package into the staging folder and uploads the ZIP under glue/libs/", () => {
    // Prepare
    const source = sources();
    // Act
    const { resource } = synthConstruct((scope) => uploadScripts(scope, source));
    // Assess
    const zipPath = join(source.staging, "metriccare_etl.zip");
    expect(existsSync(zipPath)).toBe(true);
    expect(resource("aws_s3_object", "upload_scripts/glue_python_package/object")).toMatchObject({
      key: `glue/libs/metriccare_etl-${sha256(readFileSync(zipPath))}.zip`,
      content_type: "application/zip",
    });
  });

  it("uploads each Lambda ZIP under lambda/<function>/ named after the function", () => {
    // Prepare
    const source = sources();
    const bundle = fixtureFunctionBundle("export const handler = async () => 1;");
    // Act
    const { resource } = synthConstruct((scope) => uploadScripts(scope, source, { functionBundles: { glue_trigger: bundle } }));
    // Assess
    expect(resource("aws_s3_object", "upload_scripts/function_glue_trigger/object").key).toBe(
      `lambda/glue_trigger/glue_trigger-${bundle.sha256Hex}.zip`,
    );
  });

  it("puts everything under the key prefix given", () => {
    // Prepare
    const source = sources();
    // Act
    const { resourcesByPath } = synthConstruct((scope) => uploadScripts(scope, source, { keyPrefix: "releases/" }));
    // Assess
    const keys = Object.values(resourcesByPath("aws_s3_object")).map((block) => String(block.key));
    expect(keys).toHaveLength(4);
    for (const key of keys) expect(key).toMatch(/^releases\/(glue\/scripts|glue\/libs|lambda\/glue_trigger)\//);
  });

  it("glueScript() and functionPackage() return the uploads by name; objects lists scripts, package, then functions", () => {
    // Prepare
    const source = sources();
    // Act
    const { built, resolve, ref } = synthConstruct((scope) =>
      uploadScripts(scope, source, { functionBundles: { b_fn: fixtureFunctionBundle("b"), a_fn: fixtureFunctionBundle("a") } }),
    );
    // Assess
    expect(resolve(built.glueScript("gold_job").key)).toBe(ref("aws_s3_object", "upload_scripts/glue_script_gold_job/object", "key"));
    expect(resolve(built.functionPackage("a_fn").key)).toBe(ref("aws_s3_object", "upload_scripts/function_a_fn/object", "key"));
    expect(resolve(built.gluePythonPackage.key)).toBe(ref("aws_s3_object", "upload_scripts/glue_python_package/object", "key"));
    expect(built.objects.map((o) => o.node.id)).toEqual([
      "glue_script_bronze_job",
      "glue_script_gold_job",
      "glue_python_package",
      "function_a_fn",
      "function_b_fn",
    ]);
  });

  it("glueScript() and functionPackage() throw for unknown names, listing the known ones", () => {
    // Prepare
    const source = sources();
    const { built } = synthConstruct((scope) => uploadScripts(scope, source));
    // Act
    const script = () => built.glueScript("silver_job");
    const fn = () => built.functionPackage("other");
    // Assess
    expect(script).toThrow('UploadScripts: no Glue job script "silver_job"; known: "bronze_job", "gold_job".');
    expect(fn).toThrow('UploadScripts: no function package "other"; known: "glue_trigger".');
  });

  it("rejects a jobs folder without .py scripts", () => {
    // Prepare
    const source = sources();
    const empty = tempDirectory();
    writeFile(empty, "README.md", "");
    // Act
    const act = () => synthConstruct((scope) => uploadScripts(scope, source, { glueJobsDirectory: empty }));
    // Assess
    expect(act).toThrow(`UploadScripts "upload_scripts": \`glueJobsDirectory\` "${empty}" has no .py job scripts.`);
  });

  it("rejects a package folder without __init__.py", () => {
    // Prepare
    const source = sources();
    const notAPackage = tempDirectory();
    writeFile(notAPackage, "module.py", "");
    // Act
    const act = () => synthConstruct((scope) => uploadScripts(scope, source, { gluePythonPackageDirectory: notAPackage }));
    // Assess
    expect(act).toThrow(`"${notAPackage}" is not a Python package: it has no __init__.py.`);
  });

  it("rejects a key prefix that does not end with /", () => {
    // Prepare
    const source = sources();
    // Act
    const act = () => synthConstruct((scope) => uploadScripts(scope, source, { keyPrefix: "releases" }));
    // Assess
    expect(act).toThrow('UploadScripts "upload_scripts": `keyPrefix` must be "" or end with "/" and not start with "/", got "releases".');
  });

  it("uploads only regular .py files: not dotfiles, not folders named like scripts", () => {
    // Prepare
    const source = sources();
    writeFile(source.jobs, ".scratch.py", "print('editor backup')\n");
    mkdirSync(join(source.jobs, "helpers.py"));
    // Act
    const { resourcesByPath } = synthConstruct((scope) => uploadScripts(scope, source));
    // Assess
    expect(
      Object.keys(resourcesByPath("aws_s3_object"))
        .filter((path) => path.includes("glue_script_"))
        .sort(),
    ).toEqual(["upload_scripts/glue_script_bronze_job/object", "upload_scripts/glue_script_gold_job/object"]);
  });
});
