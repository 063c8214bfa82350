import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { Construct } from "constructs";
import type { LambdaFunction } from "../../lambda_function/lambda-function";
import { servicePrincipal, type AwsContext } from "../../shared/aws-context";
import { MetricCareValidationError } from "../../shared/errors";
import type { SecureBucket } from "./secure-bucket";

/** The notification's id for a suffix: `object-created-json` for ".json". */
function notificationId(suffix: string): string {
  return `object-created${suffix.replace(/[^A-Za-z0-9]/g, "-")}`;
}

/** Props for {@link ObjectCreatedNotification}. */
export interface ObjectCreatedNotificationProps {
  /** Where the bucket lives (its account scopes the invoke permission). */
  readonly aws: AwsContext;
  /** The bucket that notifies. S3 allows one notification configuration per bucket: this is it. */
  readonly bucket: SecureBucket;
  /** The function invoked for each new object. */
  readonly function: LambdaFunction;
  /** Key prefix of the objects, e.g. `fhir/`. */
  readonly prefix: string;
  /** Key suffixes of the objects, e.g. `[".json", ".ndjson"]`; none may end another. */
  readonly suffixes: readonly string[];
}

/**
 * Invokes a function for every object created under a prefix with one of the suffixes, with the
 * invoke permission scoped to this bucket and this account (S3 ARNs carry no account id, so
 * `source_account` stops another account's bucket of the same name from invoking it).
 */
export class ObjectCreatedNotification extends Construct {
  /** The bucket notification. */
  public readonly notification: S3BucketNotification;

  public constructor(scope: Construct, id: string, props: ObjectCreatedNotificationProps) {
    super(scope, id);
    const owner = `ObjectCreatedNotification "${id}"`;
    if (props.suffixes.length === 0) throw new MetricCareValidationError(owner, '`suffixes` must list at least one suffix, e.g. ".json".');
    const ids = new Map<string, string>();
    props.suffixes.forEach((a, i) => {
      props.suffixes.forEach((b, j) => {
        if (i === j) return;
        if (a === b) throw new MetricCareValidationError(owner, `\`suffixes\` lists "${a}" twice.`);
        // S3 rejects overlapping filters for the same event type.
        if (a.endsWith(b)) {
          throw new MetricCareValidationError(
            owner,
            `\`suffixes\` overlap: "${a}" ends with "${b}", and S3 rejects overlapping notification filters.`,
          );
        }
      });
      const id = notificationId(a);
      const clash = ids.get(id);
      if (clash !== undefined)
        throw new MetricCareValidationError(
          owner,
          `\`suffixes\` "${clash}" and "${a}" would share the notification id "${id}"; use suffixes that differ in letters or digits.`,
        );
      ids.set(id, a);
    });
    const permission = props.function.allowInvocation({
      statementId: "s3_object_created",
      principal: servicePrincipal(props.aws, "s3"),
      sourceArn: props.bucket.bucketArn,
      sourceAccount: props.aws.accountId,
    });
    this.notification = new S3BucketNotification(this, "notification", {
      bucket: props.bucket.bucket.id,
      lambdaFunction: props.suffixes.map((suffix) => ({
        id: notificationId(suffix),
        lambdaFunctionArn: props.function.lambdaArn,
        events: ["s3:ObjectCreated:*"],
        filterPrefix: props.prefix,
        filterSuffix: suffix,
      })),
      // S3 tests the destination when the configuration is saved: the permission must exist first.
      dependsOn: [permission],
    });
  }
}
