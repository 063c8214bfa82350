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
  // The longest name decides: the hint gives the prefix length that fits every bucket of every environment at once.
  const names = usage.environments.flatMap((environment) =>
    usage.purposes.map((purpose) => ({
      purpose,
      environment,
      length: bucketName({ prefix, purpose, environment, accountId: "0".repeat(ACCOUNT_ID_LENGTH), region: usage.region }).length,
    })),
  );
  const longest = names.reduce((a, b) => (b.length > a.length ? b : a), names[0] ?? { purpose: "", environment: "", length: 0 });
  if (longest.length > MAX_BUCKET_NAME_LENGTH) {
    const room = MAX_BUCKET_NAME_LENGTH - (longest.length - prefix.length);
    throw new MetricCareValidationError(
      owner,
      `\`${field}\` "${prefix}" (${prefix.length} characters) makes the ${longest.purpose} bucket name of environment "${longest.environment}", the longest of the ${names.length} bucket names, ${longest.length} characters long; S3 allows ${MAX_BUCKET_NAME_LENGTH}, so the prefix can have at most ${room} characters.`,
    );
  }
}
