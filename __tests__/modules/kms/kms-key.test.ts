import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { ref, Token } from "cdktf";
import { DataLakeKey, type DataLakeKeyProps } from "../../../modules/kms/kms-key";
import { MetricCareValidationError } from "../../../modules/shared/errors";
import { synthConstruct } from "../../support/construct-synth";
import { policyStatements } from "../../support/terraform-json";
import { TEST_AWS } from "../../support/test-context";

const PROPS: DataLakeKeyProps = { aws: TEST_AWS, aliasName: "alias/metriccare-dev", description: "MetricCare dev data" };
const ENCRYPT_DECRYPT = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];
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

  it("grants the account (through IAM) and exactly the services that encrypt for this account in its key policy", () => {
    // Act
    const { json, resource } = synthConstruct((scope) => new DataLakeKey(scope, "key", PROPS));
    // Assess
    expect(policyStatements(json, resource("aws_kms_key", "key/key").policy)).toEqual([
      {
        sid: "AccountAdministersKeyThroughIam",
        effect: "Allow",
        principals: [{ type: "AWS", identifiers: ["arn:aws:iam::123456789012:root"] }],
        actions: ["kms:*"],
        resources: ["*"],
      },
      {
        sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["logs.eu-west-1.amazonaws.com"] }],
        actions: ENCRYPT_DECRYPT,
        resources: ["*"],
        condition: [
          { test: "ArnLike", variable: "kms:EncryptionContext:aws:logs:arn", values: ["arn:aws:logs:eu-west-1:123456789012:log-group:*"] },
        ],
      },
      {
        sid: "EventBridgeAndAlarmsPublishToEncryptedTopics",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] }],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
        condition: [
          { test: "ArnLike", variable: "kms:EncryptionContext:aws:sns:topicArn", values: ["arn:aws:sns:eu-west-1:123456789012:*"] },
        ],
      },
      {
        sid: "EventBridgeSendsToEncryptedDeadLetterQueues",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
        condition: [{ test: "ArnLike", variable: "kms:EncryptionContext:aws:sqs:arn", values: ["arn:aws:sqs:eu-west-1:123456789012:*"] }],
      },
      {
        sid: "ServicesDeliverToEncryptedTopicsAndQueues",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["sns.amazonaws.com", "s3.amazonaws.com"] }],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] }],
      },
      {
        sid: "DataServicesEncryptForThisAccount",
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["dynamodb.amazonaws.com", "glue.amazonaws.com"] }],
        actions: ENCRYPT_DECRYPT,
        resources: ["*"],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] }],
      },
    ]);
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
    it("allows a role to encrypt, decrypt and describe with this key only", () => {
      // Prepare
      const { built, resolve, ref } = synthConstruct((scope) => new DataLakeKey(scope, "key", PROPS));
      // Act
      const statement = built.encryptDecryptStatement();
      // Assess
      expect(resolve(statement)).toEqual({
        sid: "UseEnvironmentKey",
        effect: "Allow",
        actions: ENCRYPT_DECRYPT,
        resources: [ref("aws_kms_key", "key/key", "arn")],
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
        "CloudWatchLogsEncryptsThisAccountsLogGroups",
        "EventBridgeAndAlarmsPublishToEncryptedTopics",
        "EventBridgeSendsToEncryptedDeadLetterQueues",
        "ServicesDeliverToEncryptedTopicsAndQueues",
        "DataServicesEncryptForThisAccount",
        "CloudTrailEncryptsLogs",
      ]);
      expect(statements[6]).toEqual(trail);
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
