import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { readFileSync } from "node:fs";
import { basename, extname, isAbsolute } from "node:path";
import { hashContent, type ContentHash } from "../../../packaging/content-hash";
import { MetricCareValidationError } from "../../shared/errors";
import type { SecureBucket } from "../s3_bucket/secure-bucket";

/** Props for {@link ContentAddressedObject}. */
export interface ContentAddressedObjectProps {
  /** Bucket the object is uploaded to. */
  readonly bucket: SecureBucket;
  /** Absolute path of the local file. */
  readonly sourcePath: string;
  /** Key prefix, ending in `/`, e.g. `glue/scripts/`. */
  readonly keyPrefix: string;
  /**
   * Name part of the key (before `-<sha256>`).
   * @default - the file name without extension
   */
  readonly name?: string;
  /**
   * MIME type of the object.
   * @default - from the file extension (`.py`, `.json`, `.zip`), else `application/octet-stream`
   */
  readonly contentType?: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".py": "text/x-python",
  ".json": "application/json",
  ".zip": "application/zip",
  ".csv": "text/csv",
};

/**
 * A local file uploaded to S3 under a key that contains its SHA-256 (`<prefix><name>-<sha256>.<ext>`):
 * a changed file gets a new key, so whatever points at the key (a Glue job, a Lambda function)
 * changes with it, and an unchanged file never shows a diff in `terraform plan`.
 */
export class ContentAddressedObject extends Construct {
  /** The S3 object. */
  public readonly object: S3Object;
  /** Bucket the object is in. */
  public readonly bucket: SecureBucket;
  /** Object key (a token that also orders the upload before its users). */
  public readonly key: string;
  /** `s3://<bucket>/<key>`. */
  public readonly s3Uri: string;
  /** ARN of the object, for IAM policies. */
  public readonly objectArn: string;
  /** SHA-256 of the content. */
  public readonly contentHash: ContentHash;
  /** The local file uploaded, for synth-time readers of its content. */
  public readonly sourcePath: string;

  public constructor(scope: Construct, id: string, props: ContentAddressedObjectProps) {
    super(scope, id);
    if (!isAbsolute(props.sourcePath)) {
      throw new MetricCareValidationError(`ContentAddressedObject "${id}"`, `\`sourcePath\` must be absolute, got "${props.sourcePath}".`);
    }
    if (!props.keyPrefix.endsWith("/") || props.keyPrefix.startsWith("/")) {
      throw new MetricCareValidationError(
        `ContentAddressedObject "${id}"`,
        `\`keyPrefix\` must end with "/" and not start with "/", got "${props.keyPrefix}".`,
      );
    }
    this.sourcePath = props.sourcePath;
    this.contentHash = hashContent(readFileSync(props.sourcePath));
    const extension = extname(props.sourcePath);
    const name = props.name ?? basename(props.sourcePath, extension);
    const asset = new TerraformAsset(this, "asset", {
      path: props.sourcePath,
      type: AssetType.FILE,
      assetHash: this.contentHash.sha256Hex,
    });

    this.bucket = props.bucket;
    this.object = new S3Object(this, "object", {
      bucket: props.bucket.bucketName,
      key: `${props.keyPrefix}${name}-${this.contentHash.sha256Hex}${extension}`,
      source: asset.path,
      contentType: props.contentType ?? CONTENT_TYPES[extension] ?? "application/octet-stream",
      // Uploaded after the bucket's policy and default encryption: an upload racing ahead of them is
      // stored without the key and never checked against the policy.
      dependsOn: [props.bucket.bucketPolicy, props.bucket.encryptionConfiguration],
    });
    this.key = this.object.key;
    this.s3Uri = `s3://${this.object.bucket}/${this.object.key}`;
    this.objectArn = `${props.bucket.bucketArn}/${this.object.key}`;
  }
}
