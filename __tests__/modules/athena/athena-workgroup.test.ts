import { AthenaWorkgroup as AthenaWorkgroupResource } from "@cdktf/provider-aws/lib/athena-workgroup";
import type { Construct } from "constructs";
import { AthenaWorkgroup, type AthenaWorkgroupProps } from "../../../modules/athena/athena-workgroup";
import { MetricCareValidationError } from "../../../modules/shared/errors";
import { testBucket } from "../../support/construct-fixtures";
import { synthConstruct } from "../../support/construct-synth";
import { TEST_AWS, testKey } from "../../support/test-context";

function workgroup(scope: Construct, change: Partial<AthenaWorkgroupProps> = {}): AthenaWorkgroup {
  const key = testKey(scope);
  return new AthenaWorkgroup(scope, "athena", {
    aws: TEST_AWS,
    workgroupName: "metriccare_analytics_dev",
    description: "Gold queries",
    resultsBucket: testBucket(scope, key, "lakehouse", "lakehouse-bucket"),
    kmsKey: key,
    bytesScannedCutoffPerQuery: 1_000_000_000,
    ...change,
  });
}

describe("AthenaWorkgroup", () => {
  it("enforces results under athena-results/ of the bucket, SSE-KMS with the key, the scan cutoff and CloudWatch metrics", () => {
    // Act
    const { synth, ref } = synthConstruct((scope) => workgroup(scope));
    // Assess
    expect(synth).toHaveResourceWithProperties(AthenaWorkgroupResource, {
      name: "metriccare_analytics_dev",
      description: "Gold queries",
      state: "ENABLED",
      configuration: {
        enforce_workgroup_configuration: true,
        publish_cloudwatch_metrics_enabled: true,
        bytes_scanned_cutoff_per_query: 1_000_000_000,
        requester_pays_enabled: false,
        engine_version: { selected_engine_version: "Athena engine version 3" },
        result_configuration: {
          output_location: `s3://${ref("aws_s3_bucket", "lakehouse/bucket", "bucket")}/athena-results/`,
          expected_bucket_owner: "123456789012",
          encryption_configuration: { encryption_option: "SSE_KMS", kms_key_arn: ref("aws_kms_key", "key/key", "arn") },
        },
      },
    });
  });

  it("exposes the name, the ARN for IAM policies and where results go", () => {
    // Act
    const { built, resolve, ref } = synthConstruct((scope) => workgroup(scope, { resultsPrefix: "queries/" }));
    // Assess
    const name = ref("aws_athena_workgroup", "athena/workgroup", "name");
    expect(resolve(built.workgroupName)).toBe(name);
    expect(resolve(built.workgroupArn)).toBe(`arn:aws:athena:eu-west-1:123456789012:workgroup/${name}`);
    expect(built.results.prefix).toBe("queries/");
  });

  it.each([
    ["workgroupName", { workgroupName: "gold queries" }, "1 to 128 letters, digits, '.', '_' or '-'", '"gold queries"'],
    ["resultsPrefix", { resultsPrefix: "athena-results" }, 'a key prefix ending in "/" (not starting with "/")', '"athena-results"'],
    ["resultsPrefix", { resultsPrefix: "/athena-results/" }, 'a key prefix ending in "/" (not starting with "/")', '"/athena-results/"'],
  ])("rejects a bad %s", (field, change, rule, shown) => {
    // Act
    const act = () => synthConstruct((scope) => workgroup(scope, change));
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(`AthenaWorkgroup "athena": \`${field}\` must be ${rule}, got ${shown}.`);
  });
});
