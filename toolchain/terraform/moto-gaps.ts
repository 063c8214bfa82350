/**
 * Attributes that moto 5.2.5 does not return on read, so the plan after a complete apply to the
 * emulator shows them as changes although AWS stores and returns them. The Terraform suite accepts
 * a second-plan change only when it is listed here, and shows each entry with a direct call to
 * the emulator. A diff that AWS would show too is a defect of the stack, never an entry here.
 */
export interface MotoGap {
  /** Resource type, e.g. `aws_lambda_function`. */
  readonly resourceType: string;
  /** Top-level attribute that differs. */
  readonly attribute: string;
  /** Why it is moto's gap, with the moto source file that lacks it. */
  readonly reason: string;
}

export const MOTO_GAPS: readonly MotoGap[] = [
  {
    resourceType: "aws_lambda_function",
    attribute: "logging_config",
    reason:
      "GetFunction returns no LoggingConfig: moto/awslambda/models.py LambdaFunction.get_configuration() builds the configuration without it, so the provider reads an empty logging_config after CreateFunction stored one.",
  },
  {
    resourceType: "aws_s3_bucket_logging",
    attribute: "target_object_key_format",
    reason:
      "GetBucketLogging returns only TargetBucket, TargetPrefix and TargetGrants: moto/s3/responses.py get_bucket_logging() drops the TargetObjectKeyFormat that PutBucketLogging received.",
  },
];

/**
 * Resource types moto 5.2.5 cannot delete as AWS does, so `terraform destroy` against it would retry
 * for its whole timeout: the destroy test removes them from the state first (they live only in the
 * emulator) and says so. Measured here with boto3 against moto 5.2.5.
 */
export const MOTO_UNDELETABLE: readonly { readonly resourceType: string; readonly reason: string }[] = [
  {
    resourceType: "aws_athena_named_query",
    reason: 'DeleteNamedQuery is not implemented: "NotImplementedError: The delete_named_query action has not been implemented".',
  },
  {
    resourceType: "aws_athena_workgroup",
    reason:
      "GetWorkGroup of a deleted workgroup answers 200 without a WorkGroup instead of InvalidRequestException, so the provider's wait for the deletion never ends.",
  },
];

/**
 * What one moto 5.2.5 server cannot hold for two environments of the stack at once, so the cdktf CLI
 * suite gives each environment its own server; the suite shows each entry with a direct call.
 */
export const MOTO_ONE_ENVIRONMENT_PER_SERVER: readonly { readonly resourceType: string; readonly reason: string }[] = [
  {
    resourceType: "aws_cloudtrail",
    reason:
      "DescribeTrails ignores trailNameList: moto/cloudtrail/responses.py describe_trails() reads only includeShadowTrails and answers every trail of the region, so once a second environment's trail exists the provider's read of either fails with \"reading CloudTrail Trail (...): too many results: wanted 1, got 2\".",
  },
];
