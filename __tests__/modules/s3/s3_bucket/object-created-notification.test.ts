import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import type { Construct } from "constructs";
import { ObjectCreatedNotification } from "../../../../modules/s3/s3_bucket/object-created-notification";
import { MetricCareValidationError } from "../../../../modules/shared/errors";
import { testBucket, testFunction } from "../../../support/construct-fixtures";
import { synthConstruct } from "../../../support/construct-synth";
import { TEST_AWS, testKey } from "../../../support/test-context";

function notification(scope: Construct, suffixes: string[]): ObjectCreatedNotification {
  const key = testKey(scope);
  return new ObjectCreatedNotification(scope, "raw_object_created", {
    aws: TEST_AWS,
    bucket: testBucket(scope, key, "raw"),
    function: testFunction(scope, key),
    prefix: "fhir/",
    suffixes,
  });
}

describe("ObjectCreatedNotification", () => {
  it("invokes the function for every object created under the prefix with one of the suffixes", () => {
    // Act
    const { synth, ref } = synthConstruct((scope) => notification(scope, [".json", ".ndjson"]));
    // Assess
    const lambdaArn = ref("aws_lambda_function", "fn/function", "arn");
    expect(synth).toHaveResourceWithProperties(S3BucketNotification, {
      bucket: ref("aws_s3_bucket", "raw/bucket", "id"),
      lambda_function: [
        {
          id: "object-created-json",
          lambda_function_arn: lambdaArn,
          events: ["s3:ObjectCreated:*"],
          filter_prefix: "fhir/",
          filter_suffix: ".json",
        },
        {
          id: "object-created-ndjson",
          lambda_function_arn: lambdaArn,
          events: ["s3:ObjectCreated:*"],
          filter_prefix: "fhir/",
          filter_suffix: ".ndjson",
        },
      ],
    });
  });

  it("lets S3 invoke the function for this bucket in this account only", () => {
    // Act
    const { synth, ref } = synthConstruct((scope) => notification(scope, [".json"]));
    // Assess
    expect(synth).toHaveResourceWithProperties(LambdaPermission, {
      statement_id: "s3_object_created",
      action: "lambda:InvokeFunction",
      function_name: ref("aws_lambda_function", "fn/function", "function_name"),
      principal: "s3.amazonaws.com",
      source_arn: ref("aws_s3_bucket", "raw/bucket", "arn"),
      source_account: "123456789012",
    });
  });

  it("saves the notification only after the invoke permission exists (S3 tests the destination)", () => {
    // Act
    const { resource, address } = synthConstruct((scope) => notification(scope, [".json"]));
    // Assess
    expect(resource("aws_s3_bucket_notification", "raw_object_created/notification").depends_on).toEqual([
      address("aws_lambda_permission", "fn/allow_s3_object_created"),
    ]);
  });

  it("exposes the notification", () => {
    // Act
    const { built } = synthConstruct((scope) => notification(scope, [".json"]));
    // Assess
    expect(built.notification).toBeInstanceOf(S3BucketNotification);
  });

  it("rejects an empty suffix list", () => {
    // Act
    const act = () => synthConstruct((scope) => notification(scope, []));
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow('ObjectCreatedNotification "raw_object_created": `suffixes` must list at least one suffix, e.g. ".json".');
  });

  it("rejects a suffix that ends with another, which S3 treats as overlapping filters", () => {
    // Act
    const act = () => synthConstruct((scope) => notification(scope, [".json", "bundle.json"]));
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(
      'ObjectCreatedNotification "raw_object_created": `suffixes` overlap: "bundle.json" ends with ".json", and S3 rejects overlapping notification filters.',
    );
  });

  it("rejects a suffix listed twice", () => {
    // Act
    const act = () => synthConstruct((scope) => notification(scope, [".json", ".json"]));
    // Assess
    expect(act).toThrow('ObjectCreatedNotification "raw_object_created": `suffixes` lists ".json" twice.');
  });

  it("rejects suffixes that would share a notification id", () => {
    // Act
    const act = () => synthConstruct((scope) => notification(scope, [".json", "-json"]));
    // Assess
    expect(act).toThrow(
      'ObjectCreatedNotification "raw_object_created": `suffixes` ".json" and "-json" would share the notification id "object-created-json"; use suffixes that differ in letters or digits.',
    );
  });
});
