import { AuditLogKey } from "../../../modules/kms/audit-log-key";
import { synthConstruct } from "../../support/construct-synth";
import { policyStatements } from "../../support/terraform-json";
import { TEST_AWS } from "../../support/test-context";

const AUDITOR = "arn:aws:iam::123456789012:role/auditor";
const PROPS = { aws: TEST_AWS, aliasName: "alias/metriccare_audit_dev", description: "audit", readerArns: [AUDITOR] };

describe("AuditLogKey", () => {
  it("lets the readers decrypt CloudTrail log files through S3, and nobody else decrypt", () => {
    // Act
    const { json, resource } = synthConstruct((scope) => new AuditLogKey(scope, "audit", PROPS));
    // Assess
    const statements = policyStatements(json, resource("aws_kms_key", "audit/key").policy);
    expect(statements.find((s) => s.sid === "AuditorsReadLogFilesThroughS3")).toEqual({
      sid: "AuditorsReadLogFilesThroughS3",
      effect: "Allow",
      principals: [{ type: "AWS", identifiers: [AUDITOR] }],
      actions: ["kms:Decrypt"],
      resources: ["*"],
      condition: [
        { test: "StringEquals", variable: "kms:ViaService", values: ["s3.eu-west-1.amazonaws.com"] },
        { test: "Null", variable: "kms:EncryptionContext:aws:cloudtrail:arn", values: ["false"] },
      ],
    });
    expect(statements.find((s) => s.sid === "DecryptOnlyForAuditors")).toEqual({
      sid: "DecryptOnlyForAuditors",
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      actions: ["kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
      resources: ["*"],
      condition: [
        { test: "ArnNotLike", variable: "aws:PrincipalArn", values: [AUDITOR] },
        { test: "Bool", variable: "aws:PrincipalIsAWSService", values: ["false"] },
      ],
    });
  });

  it("has no CloudTrail statement until a trail is allowed", () => {
    // Act
    const { json, resource } = synthConstruct((scope) => new AuditLogKey(scope, "audit", PROPS));
    // Assess
    const sids = policyStatements(json, resource("aws_kms_key", "audit/key").policy).map((s) => s.sid);
    expect(sids).not.toContain("CloudTrailEncryptsLogs");
  });
});
