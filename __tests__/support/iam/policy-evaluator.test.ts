import { conditionHolds, evaluate, type PolicyDocument, type Principal } from "./policy-evaluator";

// The evaluator checked against the examples in AWS's documentation; each test names its page.
const ACCOUNT = "111122223333";
const OTHER = "444455556666";
const role = (name: string, policies: PolicyDocument[], account = ACCOUNT): Principal => ({
  kind: "role",
  arn: `arn:aws:iam::${account}:role/${name}`,
  account,
  policies,
});
const allowAll: PolicyDocument = { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

describe("condition operators (IAM User Guide, Conditions with multiple context keys or values)", () => {
  const block = { "aws:PrincipalTag/department": ["finance", "hr", "legal"], "aws:PrincipalTag/role": ["audit", "security"] };

  it("ORs the values of a key and ANDs the keys: department hr and role audit match", () => {
    // Prepare
    const context = { "aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "audit" };
    // Act
    const holds = conditionHolds("StringEquals", block, context);
    // Assess
    expect(holds).toBe(true);
  });

  it("ANDs the keys: department hr with role developer does not match", () => {
    // Prepare
    const context = { "aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "developer" };
    // Act / Assess
    expect(conditionHolds("StringEquals", block, context)).toBe(false);
  });

  it("evaluates a negated operator's values as NOR: StringNotEquals [audit, security] is false for audit, true for developer", () => {
    // Prepare
    const keys = { "aws:PrincipalTag/role": ["audit", "security"] };
    // Act
    const audit = conditionHolds("StringNotEquals", keys, { "aws:PrincipalTag/role": "audit" });
    const developer = conditionHolds("StringNotEquals", keys, { "aws:PrincipalTag/role": "developer" });
    // Assess
    expect([audit, developer]).toEqual([false, true]);
  });
});

describe("missing keys (IAM User Guide, Condition operators: the key is not in the request context)", () => {
  it("makes a positive operator false and a negated operator (StringNotLike, ArnNotLike) true", () => {
    // Act
    const positive = conditionHolds("StringLike", { "s3:prefix": "home/*" }, {});
    const negated = conditionHolds("ArnNotLike", { "aws:SourceArn": "arn:aws:sns:*:*:topic" }, {});
    // Assess
    expect([positive, negated]).toEqual([false, true]);
  });

  it("...IfExists: StringLikeIfExists ec2:InstanceType [t1.*, t2.*, m3.*] holds without the key, and for t2.micro, not for m4.large", () => {
    // Prepare
    const keys = { "ec2:InstanceType": ["t1.*", "t2.*", "m3.*"] };
    // Act
    const contexts: Record<string, string>[] = [{}, { "ec2:InstanceType": "t2.micro" }, { "ec2:InstanceType": "m4.large" }];
    const results = contexts.map((c) => conditionHolds("StringLikeIfExists", keys, c));
    // Assess
    expect(results).toEqual([true, true, false]);
  });

  it("Null aws:TokenIssueTime true holds for long-term credentials (no key) and not for temporary ones", () => {
    // Act
    const longTerm = conditionHolds("Null", { "aws:TokenIssueTime": "true" }, {});
    const temporary = conditionHolds("Null", { "aws:TokenIssueTime": "true" }, { "aws:TokenIssueTime": "2026-12-03T05:00:00Z" });
    // Assess
    expect([longTerm, temporary]).toEqual([true, false]);
  });
});

describe("set operators (IAM User Guide, Single-valued vs. multivalued context keys)", () => {
  it("ForAllValues holds when the key is missing; ForAnyValue does not", () => {
    // Act
    const all = conditionHolds("ForAllValues:StringEquals", { "aws:TagKeys": ["environment", "cost-center"] }, {});
    const any = conditionHolds("ForAnyValue:StringEquals", { "aws:TagKeys": ["environment", "cost-center"] }, {});
    // Assess
    expect([all, any]).toEqual([true, false]);
  });

  it("ForAllValues:StringEquals [environment, cost-center] fails for tags [environment, owner]; ForAnyValue holds", () => {
    // Prepare
    const context = { "aws:TagKeys": ["environment", "owner"] };
    const keys = { "aws:TagKeys": ["environment", "cost-center"] };
    // Act / Assess
    expect([conditionHolds("ForAllValues:StringEquals", keys, context), conditionHolds("ForAnyValue:StringEquals", keys, context)]).toEqual(
      [false, true],
    );
  });
});

describe("other operators", () => {
  it("ArnLike matches each ARN part on its own (SNS Developer Guide: aws:SourceArn arn:aws:s3:*:*:bucket-name)", () => {
    // Prepare
    const keys = { "aws:SourceArn": "arn:aws:s3:*:*:amzn-s3-demo-bucket" };
    // Act
    const same = conditionHolds("ArnLike", keys, { "aws:SourceArn": "arn:aws:s3:::amzn-s3-demo-bucket" });
    const other = conditionHolds("ArnLike", keys, { "aws:SourceArn": "arn:aws:s3:::amzn-s3-demo-bucket2" });
    // Assess
    expect([same, other]).toEqual([true, false]);
  });

  it("NumericLessThan s3:TlsVersion 1.2 holds for TLS 1.1 and not for 1.2 or 1.3 (S3 User Guide, enforce TLS version)", () => {
    // Act
    const results = ["1.1", "1.2", "1.3"].map((v) => conditionHolds("NumericLessThan", { "s3:TlsVersion": "1.2" }, { "s3:TlsVersion": v }));
    // Assess
    expect(results).toEqual([true, false, false]);
  });

  it("Bool compares true/false case-insensitively and throws on an operator it does not model", () => {
    // Act
    const bool = conditionHolds("Bool", { "aws:SecureTransport": "false" }, { "aws:SecureTransport": "FALSE" });
    // Assess
    expect(bool).toBe(true);
    expect(() => conditionHolds("IpAddress", { "aws:SourceIp": "203.0.113.0/24" }, { "aws:SourceIp": "203.0.113.9" })).toThrow(
      "Unsupported condition operator IpAddress",
    );
  });
});

describe("evaluate (IAM User Guide, Policy evaluation logic)", () => {
  const bucket = "arn:aws:s3:::amzn-s3-demo-bucket/report.csv";
  const denyHttp: PolicyDocument = {
    Statement: [
      {
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };

  it("denies by default: no policy allows", () => {
    // Act / Assess
    expect(evaluate({ principal: role("r", []), action: "s3:GetObject", resource: bucket }, { ownerAccount: ACCOUNT, kind: "other" })).toBe(
      "ImplicitDeny",
    );
  });

  it("lets an explicit deny override an allow: AdministratorAccess over plain HTTP is denied, over TLS allowed", () => {
    // Prepare
    const admin = role("admin", [allowAll]);
    const policy = { document: denyHttp, ownerAccount: ACCOUNT, kind: "other" as const };
    // Act
    const http = evaluate(
      { principal: admin, action: "s3:GetObject", resource: bucket, context: { "aws:SecureTransport": "false" } },
      policy,
    );
    const tls = evaluate({ principal: admin, action: "s3:GetObject", resource: bucket }, policy);
    // Assess
    expect([http, tls]).toEqual(["ExplicitDeny", "Allow"]);
  });

  it("in one account, a resource policy naming the role allows without an identity policy; naming the account delegates to IAM", () => {
    // Prepare
    const reader = role("reader", []);
    const grant = (principal: string): PolicyDocument => ({
      Statement: [
        { Effect: "Allow", Principal: { AWS: principal }, Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*" },
      ],
    });
    // Act
    const direct = evaluate(
      { principal: reader, action: "s3:GetObject", resource: bucket },
      { document: grant(reader.kind === "role" ? reader.arn : ""), ownerAccount: ACCOUNT, kind: "other" },
    );
    const account = evaluate(
      { principal: reader, action: "s3:GetObject", resource: bucket },
      { document: grant(`arn:aws:iam::${ACCOUNT}:root`), ownerAccount: ACCOUNT, kind: "other" },
    );
    // Assess
    expect([direct, account]).toEqual(["Allow", "ImplicitDeny"]);
  });

  it("across accounts needs both (Cross-account policy evaluation logic): identity allow alone is denied, with the bucket grant allowed", () => {
    // Prepare
    const visitor = role("visitor", [allowAll], OTHER);
    const grant: PolicyDocument = {
      Statement: [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*" }],
    };
    // Act
    const alone = evaluate({ principal: visitor, action: "s3:GetObject", resource: bucket }, { ownerAccount: ACCOUNT, kind: "other" });
    const both = evaluate(
      { principal: visitor, action: "s3:GetObject", resource: bucket },
      { document: grant, ownerAccount: ACCOUNT, kind: "other" },
    );
    // Assess
    expect([alone, both]).toEqual(["ImplicitDeny", "Allow"]);
  });

  it("KMS (Developer Guide, Key policies): an IAM allow counts only when the key policy allows the account", () => {
    // Prepare
    const user = role("user", [allowAll]);
    const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const withRoot: PolicyDocument = {
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }],
    };
    const withoutRoot: PolicyDocument = {
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/other` }, Action: "kms:*", Resource: "*" }],
    };
    // Act
    const enabled = evaluate(
      { principal: user, action: "kms:Decrypt", resource: key },
      { document: withRoot, ownerAccount: ACCOUNT, kind: "kms" },
    );
    const notEnabled = evaluate(
      { principal: user, action: "kms:Decrypt", resource: key },
      { document: withoutRoot, ownerAccount: ACCOUNT, kind: "kms" },
    );
    // Assess
    expect([enabled, notEnabled]).toEqual(["Allow", "ImplicitDeny"]);
  });

  it("an anonymous request is allowed only by a resource policy naming everyone (Principal *)", () => {
    // Prepare
    const publicRead: PolicyDocument = {
      Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/*" }],
    };
    // Act
    const open = evaluate(
      { principal: { kind: "anonymous" }, action: "s3:GetObject", resource: bucket },
      { document: publicRead, ownerAccount: ACCOUNT, kind: "other" },
    );
    const closed = evaluate(
      { principal: { kind: "anonymous" }, action: "s3:GetObject", resource: bucket },
      { document: denyHttp, ownerAccount: ACCOUNT, kind: "other" },
    );
    // Assess
    expect([open, closed]).toEqual(["Allow", "ImplicitDeny"]);
  });

  it("matches actions case-insensitively with wildcards (IAM JSON policy elements: Action)", () => {
    // Prepare
    const reader = role("reader", [{ Statement: [{ Effect: "Allow", Action: "s3:get*", Resource: "*" }] }]);
    // Act
    const get = evaluate({ principal: reader, action: "s3:GetObject", resource: bucket }, { ownerAccount: ACCOUNT, kind: "other" });
    const put = evaluate({ principal: reader, action: "s3:PutObject", resource: bucket }, { ownerAccount: ACCOUNT, kind: "other" });
    // Assess
    expect([get, put]).toEqual(["Allow", "ImplicitDeny"]);
  });
});
