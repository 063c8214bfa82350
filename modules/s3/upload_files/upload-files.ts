import { Construct } from "constructs";
import { readdirSync, statSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { MetricCareValidationError } from "../../shared/errors";
import { lookup } from "../../shared/lookup";
import type { SecureBucket } from "../s3_bucket/secure-bucket";
import { ContentAddressedObject } from "../s3_object/content-addressed-object";

/** Props for {@link UploadFiles}. */
export interface UploadFilesProps {
  /** The bucket the files go to (the scripts bucket). */
  readonly bucket: SecureBucket;
  /** Folder whose files (not subfolders) are uploaded. */
  readonly directory: string;
  /**
   * Key prefix, ending in `/`.
   * @default "config/"
   */
  readonly keyPrefix?: string;
}

/**
 * Uploads configuration and reference files (e.g. the lakehouse table layout the Glue jobs
 * read) to the scripts bucket, keyed by content hash like the scripts.
 */
export class UploadFiles extends Construct {
  private readonly files = new Map<string, ContentAddressedObject>();

  public constructor(scope: Construct, id: string, props: UploadFilesProps) {
    super(scope, id);
    const names = readdirSync(props.directory)
      .filter((name) => !name.startsWith(".") && statSync(join(props.directory, name)).isFile())
      .sort();
    if (names.length === 0)
      throw new MetricCareValidationError(`UploadFiles "${id}"`, `\`directory\` "${props.directory}" has no files to upload.`);
    const stems = names.map((name) => basename(name, extname(name)).replace(/[^A-Za-z0-9_]/g, "_"));
    for (const [index, name] of names.entries()) {
      // Construct ids are the file stem (ids are a contract: renaming replaces the object); two
      // files with one stem ("tables.json", "tables.csv") get the full name instead.
      const stem = stems[index] ?? "";
      const objectId = stems.filter((s) => s === stem).length > 1 ? name.replace(/[^A-Za-z0-9_]/g, "_") : stem;
      this.files.set(
        name,
        new ContentAddressedObject(this, objectId, {
          bucket: props.bucket,
          sourcePath: resolve(props.directory, name),
          keyPrefix: props.keyPrefix ?? "config/",
        }),
      );
    }
  }

  /** The uploaded file `name` (file name with extension, e.g. `lakehouse.json`). */
  public file(name: string): ContentAddressedObject {
    return lookup(this.files, name, "UploadFiles", "file");
  }

  /** Every uploaded file. */
  public get objects(): ContentAddressedObject[] {
    return [...this.files.values()];
  }
}
