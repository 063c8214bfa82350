import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { ref, Token } from "cdktf";
import { EncryptedLogGroup, LOG_RETENTION_DAYS } from "../../../modules/cloudwatch/log-group";
import { MetricCareValidationError } from "../../../modules/shared/errors";
import { synthConstruct } from "../../support/construct-synth";
import { TEST_AWS, testKey } from "../../support/test-context";

describe("EncryptedLogGroup", () => {
  it("creates the log group with the retention and the KMS key", () => {
    // Act
    const { synth, ref } = synthConstruct(
      (scope) =>
        new EncryptedLogGroup(scope, "logs", { aws: TEST_AWS, logGroupName: "/aws/lambda/fn", kmsKey: testKey(scope), retentionDays: 14 }),
    );
    // Assess
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/lambda/fn",
      retention_in_days: 14,
      kms_key_id: ref("aws_kms_key", "key/key", "arn"),
    });
  });

  it("exposes the log group, its name, its ARN without :* and the ARN of its streams", () => {
    // Act
    const { built, resolve, ref } = synthConstruct(
      (scope) =>
        new EncryptedLogGroup(scope, "logs", { aws: TEST_AWS, logGroupName: "/aws/lambda/fn", kmsKey: testKey(scope), retentionDays: 14 }),
    );
    // Assess
    const name = ref("aws_cloudwatch_log_group", "logs/log_group", "name");
    expect(built.logGroup).toBeInstanceOf(CloudwatchLogGroup);
    expect(resolve(built.logGroupName)).toBe(name);
    expect(resolve(built.logGroupArn)).toBe(`arn:aws:logs:eu-west-1:123456789012:log-group:${name}`);
    expect(resolve(built.logStreamsArn)).toBe(`arn:aws:logs:eu-west-1:123456789012:log-group:${name}:log-stream:*`);
  });

  it("lists the retentions CloudWatch Logs accepts", () => {
    // Assess
    expect(LOG_RETENTION_DAYS).toEqual([
      1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ]);
  });

  it("rejects a retention CloudWatch Logs does not accept", () => {
    // Act
    const act = () =>
      synthConstruct(
        (scope) => new EncryptedLogGroup(scope, "logs", { aws: TEST_AWS, logGroupName: "/x", kmsKey: testKey(scope), retentionDays: 10 }),
      );
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(
      'EncryptedLogGroup "logs": `retentionDays` must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 10.',
    );
  });

  it("skips an unresolved retention token", () => {
    // Act
    const { synth } = synthConstruct(
      (scope) =>
        new EncryptedLogGroup(scope, "logs", {
          aws: TEST_AWS,
          logGroupName: "/x",
          kmsKey: testKey(scope),
          retentionDays: Token.asNumber(ref("local.days")),
        }),
    );
    // Assess
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: "${local.days}" });
  });
});
