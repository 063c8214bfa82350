import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { denyInsecureTransport, ResourcePolicyDocument, type PolicyStatement } from "../../../modules/shared/policy-document";
import { synthConstruct } from "../../support/construct-synth";

const READ: PolicyStatement = { sid: "Read", effect: "Allow", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] };
const LIST: PolicyStatement = { sid: "List", effect: "Allow", actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::b"] };

describe("ResourcePolicyDocument", () => {
  it("synthesizes its statements as an aws_iam_policy_document and exposes the document's JSON", () => {
    // Act
    const { synth, built, resolve, dataRef } = synthConstruct((scope) => new ResourcePolicyDocument(scope, "policy", [READ, LIST]));
    // Assess
    expect(synth).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        { sid: "Read", effect: "Allow", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] },
        { sid: "List", effect: "Allow", actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::b"] },
      ],
    });
    expect(resolve(built.json)).toBe(dataRef("aws_iam_policy_document", "policy/document", "json"));
  });

  it("appends a statement with a new sid", () => {
    // Prepare
    const { synth } = synthConstruct((scope) => {
      const document = new ResourcePolicyDocument(scope, "policy", [READ]);
      // Act
      document.upsert(LIST);
    });
    // Assess
    expect(synth).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [expect.objectContaining({ sid: "Read" }), expect.objectContaining({ sid: "List" })],
    });
  });

  it("replaces the statement with the same sid in its place", () => {
    // Prepare
    const { synth } = synthConstruct((scope) => {
      const document = new ResourcePolicyDocument(scope, "policy", [READ, LIST]);
      // Act
      document.upsert({ ...READ, resources: ["arn:aws:s3:::b/data/*"] });
    });
    // Assess
    expect(synth).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        { sid: "Read", effect: "Allow", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/data/*"] },
        { sid: "List", effect: "Allow", actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::b"] },
      ],
    });
  });

  it("does not change the statements it was created with", () => {
    // Prepare
    const initial = [READ];
    // Act
    synthConstruct((scope) => new ResourcePolicyDocument(scope, "policy", initial).upsert(LIST));
    // Assess
    expect(initial).toEqual([READ]);
  });

  it("refuses a statement without a sid, which could never be replaced", () => {
    // Act
    const act = () =>
      synthConstruct((scope) =>
        new ResourcePolicyDocument(scope, "policy", []).upsert({ effect: "Allow", actions: ["s3:GetObject"], resources: ["*"] }),
      );
    // Assess
    expect(act).toThrow("ResourcePolicyDocument: statements need a `sid` so they can be replaced.");
  });
});

describe("denyInsecureTransport", () => {
  it("denies the actions on the resources to everyone when aws:SecureTransport is false", () => {
    // Act
    const statement = denyInsecureTransport(["sqs:*"], ["arn:aws:sqs:eu-west-1:123456789012:q"]);
    // Assess
    expect(statement).toEqual({
      sid: "DenyInsecureTransport",
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      actions: ["sqs:*"],
      resources: ["arn:aws:sqs:eu-west-1:123456789012:q"],
      condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
    });
  });
});
