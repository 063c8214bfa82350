import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { ref, Token } from "cdktf";
import { DataLakeKey, type DataLakeKeyProps } from "../../../modules/kms/kms-key";
import { MetricCareValidationError } from "../../../modules/shared/errors";
import { synthConstruct } from "../../support/construct-synth";
import { policyStatements } from "../../support/terraform-json";
import { TEST_AWS } from "../../support/test-context";

const PROPS: DataLakeKeyProps = { aws: TEST_AWS, aliasName: "alias/metriccare-dev", description: "MetricCare dev data" };
const ENCRYPT = [
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:GenerateDataKeyPair",
  "kms:GenerateDataKeyPairWithoutPlaintext",
];
const ALIAS_RULE = 'must be of the form "alias/<letters, digits, /, _ or ->" and not start with "alias/aws/"';

describe("DataLakeKey", () => {
  it("creates a rotating key with the description and a 30-day deletion window by default", () => {
    // Act
    const { synth, dataRef } = synthConstruct((scope) => new DataLakeKey(scope, "key", PROPS));
    // Assess
    expect(synth).toHaveResourceWithProperties(KmsKey, {
      description: "MetricCare dev data",
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      policy: dataRef("aws_iam_policy_document", "key/policy/document", "json"),
    });
  });

  it("uses the deletion window given", () => {
    // Act
    const { synth } = synthConstruct((scope) => new DataLakeKey(scope, "key", { ...PROPS, deletionWindowInDays: 7 }));
    // Assess
    expect(synth).toHaveResourceWithProperties(KmsKey, { deletion_window_in_days: 7 });
  });

  it("names the key with its alias", () => {
    // Act
    const { synth, ref } = synthConstruct((scope) => new DataLakeKey(scope, "key", PROPS));
    // Assess
    expect(synth).toHaveResourceWithProperties(KmsAlias, {
      name: "alias/metriccare-dev",
      target_key_id: ref("aws_kms_key", "key/key", "key_id"),
    });
  });

  it("keeps administration with the account and denies grants and data operations to everyone but AWS services until roles are named", () => {
    // Act
    const { json, resource } = synthConstruct((scope) => new DataLakeKey(scope, "key", PROPS));
    // Assess
    const notService = { test: "Bool", variable: "aws:PrincipalIsAWSService", values: ["false"] };
    expect(policyStatements(json, resource("aws_kms_key", "key/key").policy)).toEqual([
      {
        sid: "AccountAdministersKeyThroughIam",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: ["arn:aws:iam::123456789012:root"] }],
        actions: ["kms:*"],
        resources: ["*"],
      },
      {
        sid: "GrantsOnlyForAwsResources",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["kms:CreateGrant"],
        resources: ["*"],
        condition: [{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["false"] }],
      },
      {
        sid: "DecryptOnlyForPipelineDataAccessAndUploaderRoles",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
        resources: ["*"],
        condition: [notService],
      },
      {
        sid: "EncryptOnlyForPipelineDataAccessAndUploaderRoles",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ENCRYPT,
        resources: ["*"],
        condition: [notService],
      },
    ]);
  });

  it("names the data-access roles and the uploaders in the Deny statements (ArnNotLike aws:PrincipalArn)", () => {
    // Act
    const { json, resource } = synthConstruct((scope) => {
      const key = new DataLakeKey(scope, "key", PROPS);
      key.allowDataAccess("arn:aws:iam::123456789012:role/bronze");
      key.allowUploadsThroughS3({
        principalArns: ["arn:aws:iam::123456789012:role/feed"],
        bucketArn: "arn:aws:s3:::raw",
        prefix: "fhir/",
      });
    });
    // Assess
    const statements = policyStatements(json, resource("aws_kms_key", "key/key").policy);
    const principalsOf = (sid: string) => (statements.find((s) => s.sid === sid)?.condition as { values: unknown }[])[0]?.values;
    const both = '${concat(["arn:aws:iam::123456789012:role/bronze"], ["arn:aws:iam::123456789012:role/feed"])}';
    expect(principalsOf("DecryptOnlyForPipelineDataAccessAndUploaderRoles")).toBe(both);
    expect(principalsOf("EncryptOnlyForPipelineDataAccessAndUploaderRoles")).toBe(both);
  });

  it("lets uploaders encrypt (single and multipart) through S3 into their bucket's prefix, and nothing else", () => {
    // Act
    const { json, resource } = synthConstruct((scope) =>
      new DataLakeKey(scope, "key", PROPS).allowUploadsThroughS3({
        principalArns: ["arn:aws:iam::123456789012:role/feed"],
        bucketArn: "arn:aws:s3:::raw",
        prefix: "fhir/",
      }),
    );
    // Assess
    const statements = policyStatements(json, resource("aws_kms_key", "key/key").policy);
    const bySid = (sid: string) => statements.find((s) => s.sid === sid);
    const feed = { test: "ArnLike", variable: "aws:PrincipalArn", values: ["arn:aws:iam::123456789012:role/feed"] };
    const viaS3 = { test: "StringEquals", variable: "kms:ViaService", values: ["s3.eu-west-1.amazonaws.com"] };
    expect(bySid("UploadersEncryptThroughS3")).toEqual({
      sid: "UploadersEncryptThroughS3",
      effect: "Allow",
      principals: [{ type: "AWS", identifiers: ["arn:aws:iam::123456789012:role/feed"] }],
      actions: ["kms:GenerateDataKey", "kms:Decrypt"],
      resources: ["*"],
      condition: [viaS3],
    });
    expect(bySid("UploadersOnlyThroughS3")?.condition).toEqual([feed, { ...viaS3, test: "StringNotEquals" }]);
    expect(bySid("UploadersOnlyIntoTheirBucket")?.condition).toEqual([
      feed,
      { test: "ArnNotLike", variable: "kms:EncryptionContext:aws:s3:arn", values: ["arn:aws:s3:::raw", "arn:aws:s3:::raw/fhir/*"] },
    ]);
  });

  it("lets CloudWatch Logs use the key for the named log groups, EventBridge and alarms for the named topic, EventBridge for the named rules' dead letters", () => {
    // Act
    const { json, resource } = synthConstruct((scope) => {
      const key = new DataLakeKey(scope, "key", PROPS);
      key.allowLogGroup("/aws/lambda/fn_dev");
      key.allowLogGroup("/aws-glue/jobs/output");
      key.allowPublishingTo("alerts_dev");
      key.allowEventBridgeDeadLetters("arn:aws:events:eu-west-1:123456789012:rule/schedule_dev");
    });
    // Assess
    const statements = policyStatements(json, resource("aws_kms_key", "key/key").policy);
    const bySid = (sid: string) => statements.find((s) => s.sid === sid);
    expect(bySid("CloudWatchLogsEncryptsThisEnvironmentsLogGroups")).toEqual({
      sid: "CloudWatchLogsEncryptsThisEnvironmentsLogGroups",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["logs.eu-west-1.amazonaws.com"] }],
      actions: ["kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:Decrypt", "kms:DescribeKey"],
      resources: ["*"],
      condition: [
        {
          test: "ArnLike",
          variable: "kms:EncryptionContext:aws:logs:arn",
          values: [
            "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn_dev",
            "arn:aws:logs:eu-west-1:123456789012:log-group:/aws-glue/jobs/output",
          ],
        },
      ],
    });
    expect(bySid("EventBridgeAndAlarmsPublishToThisEnvironmentsTopic")?.condition).toEqual([
      { test: "ArnLike", variable: "kms:EncryptionContext:aws:sns:topicArn", values: ["arn:aws:sns:eu-west-1:123456789012:alerts_dev"] },
    ]);
    expect(bySid("EventBridgeSendsToThisEnvironmentsDeadLetterQueues")?.condition).toEqual([
      { test: "ArnEquals", variable: "aws:SourceArn", values: ["arn:aws:events:eu-west-1:123456789012:rule/schedule_dev"] },
    ]);
  });

  it("carries prevent_destroy when asked", () => {
    // Act
    const { synth } = synthConstruct((scope) => new DataLakeKey(scope, "key", { ...PROPS, preventDestroy: true }));
    // Assess
    expect(synth).toHaveResourceWithProperties(KmsKey, { lifecycle: { prevent_destroy: true } });
  });

  it("exposes the key, its ARN and its id", () => {
    // Act
    const { built, resolve, ref } = synthConstruct((scope) => new DataLakeKey(scope, "key", PROPS));
    // Assess
    expect(built.key).toBeInstanceOf(KmsKey);
    expect(resolve(built.keyArn)).toBe(ref("aws_kms_key", "key/key", "arn"));
    expect(resolve(built.keyId)).toBe(ref("aws_kms_key", "key/key", "key_id"));
  });

  describe("encryptDecryptStatement", () => {
    it("allows a role to decrypt and generate data keys with this key only, through the services the pipeline uses", () => {
      // Prepare
      const { built, resolve, ref } = synthConstruct((scope) => new DataLakeKey(scope, "key", PROPS));
      // Act
      const statement = built.encryptDecryptStatement();
      // Assess
      expect(resolve(statement)).toEqual({
        sid: "UseEnvironmentKeyThroughServices",
        effect: "Allow",
        actions: ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
        resources: [ref("aws_kms_key", "key/key", "arn")],
        condition: [
          {
            test: "StringEquals",
            variable: "kms:ViaService",
            values: ["s3", "dynamodb", "sns", "sqs", "lambda", "glue"].map((s) => `${s}.eu-west-1.amazonaws.com`),
          },
        ],
      });
    });
  });

  describe("addToKeyPolicy", () => {
    const trail = {
      sid: "CloudTrailEncryptsLogs",
      effect: "Allow",
      principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
      actions: ["kms:GenerateDataKey*"],
      resources: ["*"],
    };

    it("appends a statement after the built-in ones", () => {
      // Prepare
      const { json, resource } = synthConstruct((scope) => {
        const key = new DataLakeKey(scope, "key", PROPS);
        // Act
        key.addToKeyPolicy(trail);
      });
      // Assess
      const statements = policyStatements(json, resource("aws_kms_key", "key/key").policy);
      expect(statements.map((s) => s.sid)).toEqual([
        "AccountAdministersKeyThroughIam",
        "GrantsOnlyForAwsResources",
        "DecryptOnlyForPipelineDataAccessAndUploaderRoles",
        "EncryptOnlyForPipelineDataAccessAndUploaderRoles",
        "CloudTrailEncryptsLogs",
      ]);
      expect(statements[4]).toEqual(trail);
    });

    it("replaces a statement with the same sid instead of adding a second", () => {
      // Prepare
      const { json, resource } = synthConstruct((scope) => {
        const key = new DataLakeKey(scope, "key", PROPS);
        key.addToKeyPolicy(trail);
        // Act
        key.addToKeyPolicy({ ...trail, actions: ["kms:GenerateDataKey*", "kms:DescribeKey"] });
      });
      // Assess
      const statements = policyStatements(json, resource("aws_kms_key", "key/key").policy);
      expect(statements.filter((s) => s.sid === "CloudTrailEncryptsLogs")).toEqual([
        { ...trail, actions: ["kms:GenerateDataKey*", "kms:DescribeKey"] },
      ]);
    });
  });

  describe("validation", () => {
    it.each([6, 31, 7.5])("rejects a deletion window of %p days", (days) => {
      // Act
      const act = () => synthConstruct((scope) => new DataLakeKey(scope, "key", { ...PROPS, deletionWindowInDays: days }));
      // Assess
      expect(act).toThrow(MetricCareValidationError);
      expect(act).toThrow(`DataLakeKey "key": \`deletionWindowInDays\` must be an integer between 7 and 30 days, got ${days}.`);
    });

    it.each(["metriccare-dev", "alias/", "alias/metric care"])("rejects the alias %p", (aliasName) => {
      // Act
      const act = () => synthConstruct((scope) => new DataLakeKey(scope, "key", { ...PROPS, aliasName }));
      // Assess
      expect(act).toThrow(MetricCareValidationError);
      expect(act).toThrow(`DataLakeKey "key": \`aliasName\` ${ALIAS_RULE}, got "${aliasName}".`);
    });

    it("rejects an alias in the alias/aws/ namespace reserved for AWS managed keys", () => {
      // Act
      const act = () => synthConstruct((scope) => new DataLakeKey(scope, "key", { ...PROPS, aliasName: "alias/aws/metriccare" }));
      // Assess
      expect(act).toThrow(`DataLakeKey "key": \`aliasName\` ${ALIAS_RULE}, got "alias/aws/metriccare".`);
    });

    it("skips unresolved tokens (per-workspace values)", () => {
      // Act
      const { synth } = synthConstruct(
        (scope) =>
          new DataLakeKey(scope, "key", {
            ...PROPS,
            aliasName: Token.asString(ref("local.alias")),
            deletionWindowInDays: Token.asNumber(ref("local.days")),
          }),
      );
      // Assess
      expect(synth).toHaveResourceWithProperties(KmsKey, { deletion_window_in_days: "${local.days}" });
      expect(synth).toHaveResourceWithProperties(KmsAlias, { name: "${local.alias}" });
    });
  });
});
