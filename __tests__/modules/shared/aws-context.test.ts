import { accountRootArn, arn, servicePrincipal, sourceAccountCondition, type AwsContext } from "../../../modules/shared/aws-context";
import { TEST_AWS } from "../../support/test-context";

const CHINA: AwsContext = { accountId: "210987654321", region: "cn-north-1", partition: "aws-cn", dnsSuffix: "amazonaws.com.cn" };

describe("arn", () => {
  it("builds arn:<partition>:<service>:<region>:<account>:<resource> in the context's region", () => {
    // Act
    const arns = [arn(TEST_AWS, "logs", "log-group:/aws/lambda/x"), arn(CHINA, "glue", "catalog")];
    // Assess
    expect(arns).toEqual([
      "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/x",
      "arn:aws-cn:glue:cn-north-1:210987654321:catalog",
    ]);
  });

  it("uses the region given instead, and none for global services", () => {
    // Act
    const arns = [arn(TEST_AWS, "cloudtrail", "trail/t", { region: "us-east-1" }), arn(TEST_AWS, "iam", "role/r", { region: "" })];
    // Assess
    expect(arns).toEqual(["arn:aws:cloudtrail:us-east-1:123456789012:trail/t", "arn:aws:iam::123456789012:role/r"]);
  });
});

describe("accountRootArn", () => {
  it("is the account's root principal in the context's partition", () => {
    // Act
    const roots = [accountRootArn(TEST_AWS), accountRootArn(CHINA)];
    // Assess
    expect(roots).toEqual(["arn:aws:iam::123456789012:root", "arn:aws-cn:iam::210987654321:root"]);
  });
});

describe("servicePrincipal", () => {
  it("is <service>.<dns suffix> by default", () => {
    // Act
    const principals = [servicePrincipal(TEST_AWS, "events"), servicePrincipal(CHINA, "events")];
    // Assess
    expect(principals).toEqual(["events.amazonaws.com", "events.amazonaws.com.cn"]);
  });

  it("puts the region between service and suffix for a regional principal", () => {
    // Act
    const principal = servicePrincipal(TEST_AWS, "logs", { regional: true });
    // Assess
    expect(principal).toBe("logs.eu-west-1.amazonaws.com");
  });
});

describe("sourceAccountCondition", () => {
  it("requires aws:SourceAccount to equal the context's account", () => {
    // Act
    const condition = sourceAccountCondition(TEST_AWS);
    // Assess
    expect(condition).toEqual({ test: "StringEquals", variable: "aws:SourceAccount", values: ["123456789012"] });
  });
});
