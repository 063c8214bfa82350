import { Construct } from "constructs";
import { readdirSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import type { FunctionBundle } from "../../../packaging/bundle-function";
import { zipPythonPackage } from "../../../packaging/python-package";
import { MetricCareValidationError } from "../../shared/errors";
import { lookup } from "../../shared/lookup";
import type { SecureBucket } from "../s3_bucket/secure-bucket";
import { ContentAddressedObject } from "../s3_object/content-addressed-object";

/** Props for {@link UploadScripts}. */
export interface UploadScriptsProps {
  /** The scripts bucket. */
  readonly bucket: SecureBucket;
  /** Folder of Glue job scripts: every `*.py` directly inside is uploaded. */
  readonly glueJobsDirectory: string;
  /** Python package folder the jobs import, shipped as a ZIP with `--extra-py-files`. */
  readonly gluePythonPackageDirectory: string;
  /** Where the package ZIP is written before upload (build output, not committed). */
  readonly stagingDirectory: string;
  /** Lambda deployment packages, by function name. */
  readonly functionBundles: Readonly<Record<string, FunctionBundle>>;
  /**
   * Key prefix for everything uploaded here, ending in `/`.
   * @default ""
   */
  readonly keyPrefix?: string;
}

/**
 * Uploads the code that runs in AWS to the scripts bucket, each object keyed by its content hash
 * (versioned deployments): Glue job scripts (`glue/scripts/`), the jobs' Python package
 * (`glue/libs/`) and Lambda ZIPs (`lambda/`). Jobs and functions point at these objects, so
 * they always run exactly what was uploaded.
 */
export class UploadScripts extends Construct {
  /** The jobs' shared Python package (`--extra-py-files`). */
  public readonly gluePythonPackage: ContentAddressedObject;
  private readonly glueScripts = new Map<string, ContentAddressedObject>();
  private readonly functionPackages = new Map<string, ContentAddressedObject>();

  public constructor(scope: Construct, id: string, props: UploadScriptsProps) {
    super(scope, id);
    const owner = `UploadScripts "${id}"`;
    const prefix = props.keyPrefix ?? "";
    if (prefix !== "" && (!prefix.endsWith("/") || prefix.startsWith("/"))) {
      throw new MetricCareValidationError(owner, `\`keyPrefix\` must be "" or end with "/" and not start with "/", got "${prefix}".`);
    }
    const scripts = readdirSync(props.glueJobsDirectory, { withFileTypes: true })
      .filter((entry) => entry.isFile() && extname(entry.name) === ".py" && !entry.name.startsWith("."))
      .map((entry) => entry.name)
      .sort();
    if (scripts.length === 0) {
      throw new MetricCareValidationError(owner, `\`glueJobsDirectory\` "${props.glueJobsDirectory}" has no .py job scripts.`);
    }
    for (const file of scripts) {
      const name = basename(file, ".py");
      this.glueScripts.set(
        name,
        new ContentAddressedObject(this, `glue_script_${name}`, {
          bucket: props.bucket,
          sourcePath: resolve(props.glueJobsDirectory, file),
          keyPrefix: `${prefix}glue/scripts/`,
        }),
      );
    }
    const packageName = basename(resolve(props.gluePythonPackageDirectory));
    const packageZip = zipPythonPackage(props.gluePythonPackageDirectory, join(props.stagingDirectory, `${packageName}.zip`));
    this.gluePythonPackage = new ContentAddressedObject(this, "glue_python_package", {
      bucket: props.bucket,
      sourcePath: packageZip,
      keyPrefix: `${prefix}glue/libs/`,
    });
    for (const [name, bundle] of Object.entries(props.functionBundles).sort(([a], [b]) => a.localeCompare(b))) {
      this.functionPackages.set(
        name,
        new ContentAddressedObject(this, `function_${name}`, {
          bucket: props.bucket,
          sourcePath: bundle.zipPath,
          keyPrefix: `${prefix}lambda/${name}/`,
          name,
        }),
      );
    }
  }

  /** The uploaded Glue job script `<name>.py`. */
  public glueScript(name: string): ContentAddressedObject {
    return lookup(this.glueScripts, name, "UploadScripts", "Glue job script");
  }

  /** The uploaded deployment package of the Lambda function `name`. */
  public functionPackage(name: string): ContentAddressedObject {
    return lookup(this.functionPackages, name, "UploadScripts", "function package");
  }

  /** Every uploaded object, e.g. for tests and summaries. */
  public get objects(): ContentAddressedObject[] {
    return [...this.glueScripts.values(), this.gluePythonPackage, ...this.functionPackages.values()];
  }
}
