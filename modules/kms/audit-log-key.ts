import type { Construct } from "constructs";
import { servicePrincipal } from "../shared/aws-context";
import { KEY_DECRYPT_ACTIONS, CustomerManagedKey, type CustomerManagedKeyProps } from "./customer-managed-key";

/** Props for {@link AuditLogKey}. */
export interface AuditLogKeyProps extends CustomerManagedKeyProps {
  /** Who may read the audit logs (a list token; never empty): auditors, or the role that runs Terraform. */
  readonly readerArns: string[];
}

/**
 * The key of the data-event trail's log files (who read or wrote which patient file). Its own key,
 * so that auditors read the trail without any right to patient data: only the readers decrypt,
 * through S3 and only CloudTrail log files (`kms:EncryptionContext:aws:cloudtrail:arn` present, as the
 * CloudTrail User Guide recommends:
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html).
 */
export class AuditLogKey extends CustomerManagedKey {
  private readonly trailArns: string[] = [];

  public constructor(scope: Construct, id: string, props: AuditLogKeyProps) {
    super(scope, id, props);
    const readers = props.readerArns;
    this.policy.upsert({
      sid: "AuditorsReadLogFilesThroughS3",
      effect: "Allow",
      principals: [{ type: "AWS", identifiers: readers }],
      actions: ["kms:Decrypt"],
      resources: ["*"],
      condition: [
        { test: "StringEquals", variable: "kms:ViaService", values: [servicePrincipal(this.aws, "s3", { regional: true })] },
        { test: "Null", variable: "kms:EncryptionContext:aws:cloudtrail:arn", values: ["false"] },
      ],
    });
    this.policy.upsert({
      sid: "DecryptOnlyForAuditors",
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      actions: KEY_DECRYPT_ACTIONS,
      resources: ["*"],
      condition: [
        { test: "ArnNotLike", variable: "aws:PrincipalArn", values: readers },
        { test: "Bool", variable: "aws:PrincipalIsAWSService", values: ["false"] },
      ],
    });
  }

  /**
   * Lets CloudTrail encrypt the log files of the trail `trailArn` (its ARN, built from the name:
   * the trail depends on the key) and describe the key, as the CloudTrail User Guide's key policy does.
   */
  public allowTrail(trailArn: string): void {
    this.trailArns.push(trailArn);
    const cloudtrail = [{ type: "Service", identifiers: [servicePrincipal(this.aws, "cloudtrail")] }];
    const fromTrails = { test: "StringEquals", variable: "aws:SourceArn", values: [...this.trailArns] };
    this.policy.upsert({
      sid: "CloudTrailEncryptsLogs",
      effect: "Allow",
      principals: cloudtrail,
      actions: ["kms:GenerateDataKey*"],
      resources: ["*"],
      condition: [fromTrails, { test: "StringLike", variable: "kms:EncryptionContext:aws:cloudtrail:arn", values: [...this.trailArns] }],
    });
    this.policy.upsert({
      sid: "CloudTrailDescribesKey",
      effect: "Allow",
      principals: cloudtrail,
      actions: ["kms:DescribeKey"],
      resources: ["*"],
      condition: [fromTrails],
    });
  }
}
