import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";
import type { DataLakeKey } from "../kms/kms-key";
import { arn, type AwsContext } from "../shared/aws-context";
import { validateOneOf } from "../shared/validation";

/** The retention values CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Props for {@link EncryptedLogGroup}. */
export interface EncryptedLogGroupProps {
  /** Where the log group lives. */
  readonly aws: AwsContext;
  /** Log group name, e.g. `/aws/lambda/<function>`. */
  readonly logGroupName: string;
  /** Key the logs are encrypted with. */
  readonly kmsKey: DataLakeKey;
  /** Days CloudWatch keeps the logs (one of {@link LOG_RETENTION_DAYS}). */
  readonly retentionDays: number;
}

/**
 * A log group created before the service that writes to it (so retention and encryption are
 * ours, not the default "never expire, unencrypted").
 */
export class EncryptedLogGroup extends Construct {
  /** The log group. */
  public readonly logGroup: CloudwatchLogGroup;
  /** Name of the log group. */
  public readonly logGroupName: string;
  /** ARN of the log group (without the `:*` suffix). */
  public readonly logGroupArn: string;
  /** ARN of the log group's streams, for `logs:PutLogEvents` policies. */
  public readonly logStreamsArn: string;

  public constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    validateOneOf(`EncryptedLogGroup "${id}"`, "retentionDays", props.retentionDays, LOG_RETENTION_DAYS);
    this.logGroup = new CloudwatchLogGroup(this, "log_group", {
      name: props.logGroupName,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.kmsKey.keyArn,
    });
    // The name as given, not the resource's attribute: the key policy cannot refer to a log group that uses the key.
    props.kmsKey.allowLogGroup(props.logGroupName);
    this.logGroupName = this.logGroup.name;
    this.logGroupArn = arn(props.aws, "logs", `log-group:${this.logGroup.name}`);
    this.logStreamsArn = `${this.logGroupArn}:log-stream:*`;
  }
}
