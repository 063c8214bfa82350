import { bucketName, validateBucketNamePrefix } from "../../../../modules/s3/s3_bucket/bucket-name";
import { MetricCareValidationError } from "../../../../modules/shared/errors";

// "access-logs" (11) + "staging" (7) + account id (12) + "eu-west-1" (9) + 4 hyphens = 43: 20 characters left.
const USAGE = { purposes: ["raw", "access-logs"], environments: ["dev", "staging"], region: "eu-west-1" };
const RULE = "lowercase letters, digits and hyphens, starting and ending with a letter or digit (S3 bucket naming rules)";

describe("bucketName", () => {
  it("joins prefix, purpose, environment, account id and region with hyphens", () => {
    // Act
    const name = bucketName({ prefix: "metriccare", purpose: "raw", environment: "dev", accountId: "123456789012", region: "eu-west-1" });
    // Assess
    expect(name).toBe("metriccare-raw-dev-123456789012-eu-west-1");
  });
});

describe("validateBucketNamePrefix", () => {
  it.each(["metriccare", "m", "acme-2", "metriccare-healthcar"])("accepts %p (20 characters is the most that fits)", (prefix) => {
    // Act
    const act = () => validateBucketNamePrefix("Configuration", "bucketNamePrefix", prefix, USAGE);
    // Assess
    expect(act).not.toThrow();
  });

  it.each(["MetricCare", "-metriccare", "metriccare-", "metric.care", "metric_care", ""])("rejects %p by S3's naming rules", (prefix) => {
    // Act
    const act = () => validateBucketNamePrefix("Configuration", "bucketNamePrefix", prefix, USAGE);
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(`Configuration: \`bucketNamePrefix\` must be ${RULE}, got "${prefix}".`);
  });

  it.each([
    ["xn--metriccare", "xn--"],
    ["sthree-metriccare", "sthree-"],
    ["amzn-s3-demo-metriccare", "amzn-s3-demo-"],
  ])("rejects %p, which starts with the reserved %p", (prefix, reserved) => {
    // Act
    const act = () => validateBucketNamePrefix("Configuration", "bucketNamePrefix", prefix, USAGE);
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(`Configuration: \`bucketNamePrefix\` must not start with "${reserved}" (reserved by S3), got "${prefix}".`);
  });

  it("rejects a prefix that makes the longest bucket name exceed 63 characters, saying how long it may be", () => {
    // Act
    const act = () => validateBucketNamePrefix("Configuration", "bucketNamePrefix", "metriccare-healthcare", USAGE);
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(
      'Configuration: `bucketNamePrefix` "metriccare-healthcare" (21 characters) makes the access-logs bucket name of environment "staging", the longest of the 4 bucket names, 64 characters long; S3 allows 63, so the prefix can have at most 20 characters.',
    );
  });
});
