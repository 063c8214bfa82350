import type { PolicyStatement } from "./policy-document";
import type { SecureBucket } from "../s3/s3_bucket/secure-bucket";

/** A key prefix of a bucket, the unit roles are granted access to. */
export interface S3Prefix {
  /** The bucket. */
  readonly bucket: SecureBucket;
  /** Key prefix ending in `/`. */
  readonly prefix: string;
}

/**
 * Identity-policy statements for `objectActions` on the objects under each prefix (and the prefix's
 * folder marker), and `s3:ListBucket` restricted to those prefixes; sids are `<sidPrefix>Objects<i>`
 * and `<sidPrefix>List<i>`. The prefix without its slash is included: Hadoop's S3 client looks up
 * each path as an object before listing it. A nested prefix's ancestors (`quarantine/` of
 * `quarantine/silver/`) may be listed too (`<sidPrefix>ListAncestors<i>`), themselves only and one
 * level deep: S3A's `mkdirs` lists each missing ancestor of a new folder, with delimiter `/`, until it
 * finds one that exists (Hadoop's `MkdirOperation`). Without the `s3:delimiter` condition a listing of
 * `quarantine/` would return every key below it, Bronze's quarantined file names included (ListBucket's
 * condition keys: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
 */
export function prefixStatements(sidPrefix: string, locations: readonly S3Prefix[], objectActions: string[]): PolicyStatement[] {
  return locations.flatMap((location, index): PolicyStatement[] => {
    const bare = location.prefix.slice(0, -1);
    const ancestors = bare
      .split("/")
      .slice(0, -1)
      .map((_, depth, parts) => `${parts.slice(0, depth + 1).join("/")}/`);
    return [
      {
        sid: `${sidPrefix}Objects${index}`,
        effect: "Allow",
        actions: objectActions,
        resources: [`${location.bucket.bucketArn}/${bare}`, `${location.bucket.bucketArn}/${location.prefix}*`],
      },
      {
        sid: `${sidPrefix}List${index}`,
        effect: "Allow",
        actions: ["s3:ListBucket"],
        resources: [location.bucket.bucketArn],
        condition: [{ test: "StringLike", variable: "s3:prefix", values: [bare, `${location.prefix}*`] }],
      },
      ...(ancestors.length === 0
        ? []
        : [
            {
              sid: `${sidPrefix}ListAncestors${index}`,
              effect: "Allow" as const,
              actions: ["s3:ListBucket"],
              resources: [location.bucket.bucketArn],
              condition: [
                { test: "StringEquals", variable: "s3:prefix", values: ancestors },
                { test: "StringEquals", variable: "s3:delimiter", values: ["/"] },
              ],
            },
          ]),
    ];
  });
}
