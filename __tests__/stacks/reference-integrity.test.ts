import { otherEnvironmentConfig, threeEnvironmentConfig } from "../support/config-fixtures";
import { checkReferenceIntegrity } from "../support/reference-integrity";
import { buildMetricCareStack } from "../support/metriccare-stack";
import { findReferences, traversalsInTemplate } from "../../scripts/diagram/terraform-references";
import type { TerraformJson } from "../support/terraform-json";

describe("reference integrity (a stand-in for terraform validate)", () => {
  it("finds traversals in expressions, nested templates and conditionals, but not in functions, literals or $${ escapes", () => {
    // Act
    const found = traversalsInTemplate(
      'arn:${data.aws_partition.p.partition}:x:${local.environments[local.ok ? local.workspace : "dev"]} $${not.a.ref} ${jsonencode({a = "${aws_s3_bucket.b.arn}/*"})}',
    );
    // Assess
    expect(found).toEqual(["data.aws_partition.p.partition", "local.environments", "local.ok", "local.workspace", "aws_s3_bucket.b.arn"]);
  });

  it("reports dangling references, unknown attributes, undefined environment settings and depends_on entries", () => {
    // Prepare
    const json: TerraformJson = {
      locals: { environments: { dev: { a: 1 }, prod: { a: 2, b: 3 } }, environment: "${local.environments.dev}" },
      resource: {
        aws_s3_bucket: { raw: { bucket: "x" } },
        aws_s3_object: {
          o: {
            bucket: "${aws_s3_bucket.missing.id}",
            key: "${aws_s3_bucket.raw.no_such_attribute}",
            source: "${local.environment.b}",
            depends_on: ["aws_s3_bucket.gone"],
          },
        },
      },
    };
    // Act
    const problems = checkReferenceIntegrity(json);
    // Assess
    expect(problems).toEqual([
      "resource.aws_s3_object.o.bucket: ${aws_s3_bucket.missing.id} names resource aws_s3_bucket.missing, which is not declared",
      'resource.aws_s3_object.o.key: ${aws_s3_bucket.raw.no_such_attribute} reads "no_such_attribute", which aws_s3_bucket does not have',
      'resource.aws_s3_object.o.source: ${local.environment.b} reads "b", which not every environment in local.environments defines',
      'resource.aws_s3_object.o.depends_on: "aws_s3_bucket.gone" is not declared',
    ]);
  });

  it.each([
    ["the test configuration", threeEnvironmentConfig()],
    ["the configuration with the CloudTrail data-event trail", threeEnvironmentConfig({ createDataEventTrail: true })],
    ["another organisation's configuration (other names and region, trail, permissions boundary)", otherEnvironmentConfig()],
  ])("holds for the whole stack synthesized from %s", (_, config) => {
    // Prepare
    const { json } = buildMetricCareStack({ config });
    // Act
    const problems = checkReferenceIntegrity(json);
    // Assess
    expect(problems).toEqual([]);
    expect(findReferences(json).length).toBeGreaterThan(200);
  });
});
