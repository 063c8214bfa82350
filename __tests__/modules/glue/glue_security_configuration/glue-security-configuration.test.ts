import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { GlueSecurityConfiguration as GlueSecurityConfigurationResource } from "@cdktf/provider-aws/lib/glue-security-configuration";
import { GlueSecurityConfiguration } from "../../../../modules/glue/glue_security_configuration/glue-security-configuration";
import { MetricCareValidationError } from "../../../../modules/shared/errors";
import { synthConstruct } from "../../../support/construct-synth";
import { TEST_AWS, testKey } from "../../../support/test-context";

describe("GlueSecurityConfiguration", () => {
  it("encrypts S3 writes and CloudWatch logs with SSE-KMS and job bookmarks with CSE-KMS, all with the key", () => {
    // Act
    const { synth, ref } = synthConstruct(
      (scope) =>
        new GlueSecurityConfiguration(scope, "glue_security", {
          aws: TEST_AWS,
          name: "metriccare_glue_dev",
          kmsKey: testKey(scope),
          logRetentionDays: 30,
        }),
    );
    // Assess
    const keyArn = ref("aws_kms_key", "key/key", "arn");
    expect(synth).toHaveResourceWithProperties(GlueSecurityConfigurationResource, {
      name: "metriccare_glue_dev",
      encryption_configuration: {
        s3_encryption: { s3_encryption_mode: "SSE-KMS", kms_key_arn: keyArn },
        cloudwatch_encryption: { cloudwatch_encryption_mode: "SSE-KMS", kms_key_arn: keyArn },
        job_bookmarks_encryption: { job_bookmarks_encryption_mode: "CSE-KMS", kms_key_arn: keyArn },
      },
    });
  });

  it("creates the continuous-logging log group Glue names after the configuration, with the retention and key", () => {
    // Act
    const { synth, ref } = synthConstruct(
      (scope) =>
        new GlueSecurityConfiguration(scope, "glue_security", {
          aws: TEST_AWS,
          name: "metriccare_glue_dev",
          kmsKey: testKey(scope),
          logRetentionDays: 30,
        }),
    );
    // Assess
    expect(synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws-glue/jobs/logs-v2-metriccare_glue_dev",
      retention_in_days: 30,
      kms_key_id: ref("aws_kms_key", "key/key", "arn"),
    });
  });

  it("exposes the configuration, its name, its key and the continuous log group", () => {
    // Act
    const { built, resolve, ref } = synthConstruct(
      (scope) =>
        new GlueSecurityConfiguration(scope, "glue_security", {
          aws: TEST_AWS,
          name: "metriccare_glue_dev",
          kmsKey: testKey(scope),
          logRetentionDays: 30,
        }),
    );
    // Assess
    expect(built.securityConfiguration).toBeInstanceOf(GlueSecurityConfigurationResource);
    expect(resolve(built.name)).toBe(ref("aws_glue_security_configuration", "glue_security/configuration", "name"));
    expect(resolve(built.kmsKey.keyArn)).toBe(ref("aws_kms_key", "key/key", "arn"));
    expect(resolve(built.continuousLogGroup.logGroupName)).toBe(
      ref("aws_cloudwatch_log_group", "glue_security/continuous_logs/log_group", "name"),
    );
  });

  it("rejects a log retention CloudWatch Logs does not accept", () => {
    // Act
    const act = () =>
      synthConstruct(
        (scope) =>
          new GlueSecurityConfiguration(scope, "glue_security", { aws: TEST_AWS, name: "n", kmsKey: testKey(scope), logRetentionDays: 10 }),
      );
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(
      'EncryptedLogGroup "continuous_logs": `retentionDays` must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 10.',
    );
  });
});
