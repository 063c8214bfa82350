import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { GlueSecurityConfiguration as GlueSecurityConfigurationResource } from "@cdktf/provider-aws/lib/glue-security-configuration";
import { GlueSecurityConfiguration } from "../../../../modules/glue/glue_security_configuration/glue-security-configuration";
import { synthConstruct } from "../../../support/construct-synth";
import { TEST_AWS, testKey } from "../../../support/test-context";

const build = () =>
  synthConstruct(
    (scope) =>
      new GlueSecurityConfiguration(scope, "glue_security", { aws: TEST_AWS, name: "metriccare_glue_dev", kmsKey: testKey(scope) }),
  );

describe("GlueSecurityConfiguration", () => {
  it("encrypts S3 writes and CloudWatch logs with SSE-KMS and job bookmarks with CSE-KMS, all with the key", () => {
    // Act
    const { synth, ref } = build();
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

  it("creates no log group: Glue 5.x has no continuous-logging group, each job creates the groups it writes", () => {
    // Act
    const { synth } = build();
    // Assess
    expect(synth).not.toHaveResource(CloudwatchLogGroup);
  });

  it("exposes the configuration, its name and its key", () => {
    // Act
    const { built, resolve, ref } = build();
    // Assess
    expect(built.securityConfiguration).toBeInstanceOf(GlueSecurityConfigurationResource);
    expect(resolve(built.name)).toBe(ref("aws_glue_security_configuration", "glue_security/configuration", "name"));
    expect(resolve(built.kmsKey.keyArn)).toBe(ref("aws_kms_key", "key/key", "arn"));
  });
});
