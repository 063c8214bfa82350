import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { ArtifactsKey } from "../../../modules/kms/artifacts-key";
import { synthConstruct } from "../../support/construct-synth";
import { policyStatements } from "../../support/terraform-json";
import { TEST_AWS } from "../../support/test-context";

const PROPS = { aws: TEST_AWS, aliasName: "alias/metriccare_artifacts_dev", description: "MetricCare dev: deployment artifacts" };

describe("ArtifactsKey", () => {
  it("is a rotating key whose use the account's IAM policies decide, with grants only for AWS resources", () => {
    // Act
    const { synth, json, resource } = synthConstruct((scope) => new ArtifactsKey(scope, "artifacts", PROPS));
    // Assess
    expect(synth).toHaveResourceWithProperties(KmsKey, { description: "MetricCare dev: deployment artifacts", enable_key_rotation: true });
    expect(policyStatements(json, resource("aws_kms_key", "artifacts/key").policy).map((s) => s.sid)).toEqual([
      "AccountAdministersKeyThroughIam",
      "GrantsOnlyForAwsResources",
    ]);
  });

  it("offers a role the right to read objects encrypted with it, through S3 only", () => {
    // Act
    const { built, resolve, ref } = synthConstruct((scope) => new ArtifactsKey(scope, "artifacts", PROPS));
    // Assess
    expect(resolve(built.readThroughS3Statement())).toEqual({
      sid: "ReadArtifactsThroughS3",
      effect: "Allow",
      actions: ["kms:Decrypt"],
      resources: [ref("aws_kms_key", "artifacts/key", "arn")],
      condition: [{ test: "StringEquals", variable: "kms:ViaService", values: ["s3.eu-west-1.amazonaws.com"] }],
    });
  });

  it("names its class in validation errors", () => {
    // Act
    const act = () => synthConstruct((scope) => new ArtifactsKey(scope, "artifacts", { ...PROPS, aliasName: "artifacts" }));
    // Assess
    expect(act).toThrow('ArtifactsKey "artifacts": `aliasName` must be of the form');
  });
});
