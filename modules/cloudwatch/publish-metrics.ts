import type { PolicyStatement } from "../shared/policy-document";

/**
 * Allows `cloudwatch:PutMetricData` into `namespaces` only. The action takes no resource ARN, so the
 * statement names "*" and the `cloudwatch:namespace` condition key scopes it (Service Authorization
 * Reference, Amazon CloudWatch: PutMetricData, condition keys).
 */
export function publishMetricsStatement(sid: string, namespaces: readonly string[]): PolicyStatement {
  return {
    sid,
    effect: "Allow",
    actions: ["cloudwatch:PutMetricData"],
    resources: ["*"],
    condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: [...namespaces] }],
  };
}
