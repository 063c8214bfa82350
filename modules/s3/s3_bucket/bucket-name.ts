import { Token } from "cdktf";
import { MetricCareValidationError } from "../../shared/errors";
import { validatePattern } from "../../shared/validation";

/** The parts of a bucket name: `<prefix>-<purpose>-<environment>-<account id>-<region>`. */
export interface BucketNameParts {
  /** Organisation or project prefix, e.g. `metriccare`. */
  readonly prefix: string;
  /** What the bucket holds, e.g. `raw`, `lakehouse`. */
  readonly purpose: string;
  /** Environment (Terraform workspace) name. */
  readonly environment: string;
  /** Account id; makes the name globally unique across accounts. */
  readonly accountId: string;
  /** Region; makes the name unique across regions of one account. */
  readonly region: string;
}

/** A globally unique bucket name: S3 bucket names are shared by every AWS account. */
export function bucketName(parts: BucketNameParts): string {
  return `${parts.prefix}-${parts.purpose}-${parts.environment}-${parts.accountId}-${parts.region}`;
}

const ACCOUNT_ID_LENGTH = 12;
const MAX_BUCKET_NAME_LENGTH = 63;
const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];

/**
 * Checks a bucket-name prefix against S3's naming rules for every bucket it will be used in, so
 * a bad prefix fails at synth rather than at `terraform apply` in one environment.
 */
export function validateBucketNamePrefix(
  owner: string,
  field: string,
  prefix: string,
  usage: { readonly purposes: readonly string[]; readonly environments: readonly string[]; readonly region: string },
): void {
  if (Token.isUnresolved(prefix)) return;
  validatePattern(
    owner,
    field,
    prefix,
    /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    "lowercase letters, digits and hyphens, starting and ending with a letter or digit (S3 bucket naming rules)",
  );
  const reserved = RESERVED_PREFIXES.find((r) => prefix.startsWith(r));
  if (reserved !== undefined) {
    throw new MetricCareValidationError(owner, `\`${field}\` must not start with "${reserved}" (reserved by S3), got "${prefix}".`);
  }
  for (const environment of usage.environments) {
    for (const purpose of usage.purposes) {
      const example = bucketName({ prefix, purpose, environment, accountId: "0".repeat(ACCOUNT_ID_LENGTH), region: usage.region });
      if (example.length > MAX_BUCKET_NAME_LENGTH) {
        const room = MAX_BUCKET_NAME_LENGTH - (example.length - prefix.length);
        throw new MetricCareValidationError(
          owner,
          `\`${field}\` "${prefix}" makes the ${purpose} bucket name of environment "${environment}" ${example.length} characters long; S3 allows ${MAX_BUCKET_NAME_LENGTH}, so the prefix can have at most ${room} characters here.`,
        );
      }
    }
  }
}
