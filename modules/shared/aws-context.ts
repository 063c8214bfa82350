/**
 * Where the stack deploys: passed to every construct that builds ARNs, service principals or
 * policy conditions, so none of them looks these up again.
 */
export interface AwsContext {
  /** Account id (`data.aws_caller_identity`), a token at synth time. */
  readonly accountId: string;
  /** Region the provider is configured for, e.g. `eu-west-1`. */
  readonly region: string;
  /** Partition, e.g. `aws` (`data.aws_partition`). */
  readonly partition: string;
  /** DNS suffix of service principals, e.g. `amazonaws.com` (`data.aws_partition`). */
  readonly dnsSuffix: string;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`; pass `region: ""` for global services. */
export function arn(aws: AwsContext, service: string, resource: string, options: { region?: string } = {}): string {
  return `arn:${aws.partition}:${service}:${options.region ?? aws.region}:${aws.accountId}:${resource}`;
}

/** The account's root principal ARN, which KMS key policies use to delegate to IAM. */
export function accountRootArn(aws: AwsContext): string {
  return `arn:${aws.partition}:iam::${aws.accountId}:root`;
}

/** A service principal, e.g. `events.amazonaws.com`, or `logs.<region>.amazonaws.com` when regional. */
export function servicePrincipal(aws: AwsContext, service: string, options: { regional?: boolean } = {}): string {
  return options.regional ? `${service}.${aws.region}.${aws.dnsSuffix}` : `${service}.${aws.dnsSuffix}`;
}

/** Condition that a service acts on behalf of this account only (confused-deputy protection). */
export function sourceAccountCondition(aws: AwsContext): { test: string; variable: string; values: string[] } {
  return { test: "StringEquals", variable: "aws:SourceAccount", values: [aws.accountId] };
}
