import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { Construct } from "constructs";
import { AnalystRole, type AnalystRoleProps } from "../../../modules/athena/analyst-role";
import { AthenaWorkgroup } from "../../../modules/athena/athena-workgroup";
import { GlueCatalogDatabase } from "../../../modules/glue/glue_catalog_database/glue-catalog-database";
import { testBucket } from "../../support/construct-fixtures";
import { synthConstruct } from "../../support/construct-synth";
import { TEST_AWS, testKey } from "../../support/test-context";

function analyst(scope: Construct, change: Partial<AnalystRoleProps> = {}): AnalystRole {
  const key = testKey(scope);
  const lakehouse = testBucket(scope, key, "lakehouse", "lakehouse-bucket");
  const workgroup = new AthenaWorkgroup(scope, "athena", {
    aws: TEST_AWS,
    workgroupName: "analytics",
    description: "Gold",
    resultsBucket: lakehouse,
    kmsKey: key,
    bytesScannedCutoffPerQuery: 10_000_000,
  });
  const database = new GlueCatalogDatabase(scope, "gold", {
    aws: TEST_AWS,
    databaseName: "metriccare_gold_dev",
    description: "Gold",
    locationUri: "s3://lakehouse/gold/",
  });
  return new AnalystRole(scope, "analyst", {
    aws: TEST_AWS,
    roleName: "metriccare_analyst_dev",
    trustedPrincipalArns: ["arn:aws:iam::123456789012:role/powerbi-gateway"],
    fallbackPrincipalArn: "arn:aws:iam::123456789012:role/terraform",
    workgroup,
    database,
    data: { bucket: lakehouse, prefix: "gold/" },
    kmsKey: key,
    ...change,
  });
}

describe("AnalystRole", () => {
  it("is assumable by the configured principals, or by the fallback principal when none is configured", () => {
    // Act
    const { json } = synthConstruct((scope) =>
      analyst(scope, { trustedPrincipalArns: ["arn:aws:iam::123456789012:role/powerbi-gateway"] }),
    );
    // Assess
    const trust = Object.values(json.data?.aws_iam_policy_document ?? {}).find((d) => JSON.stringify(d).includes("sts:AssumeRole"));
    expect(trust?.statement).toEqual([
      {
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [
          {
            type: "AWS",
            identifiers:
              '${coalescelist(["arn:aws:iam::123456789012:role/powerbi-gateway"], ["arn:aws:iam::123456789012:role/terraform"])}',
          },
        ],
      },
    ]);
  });

  it("carries the permissions boundary and a one-hour session", () => {
    // Act
    const { synth } = synthConstruct((scope) => analyst(scope, { permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary" }));
    // Assess
    expect(synth).toHaveResourceWithProperties(IamRole, {
      name: "metriccare_analyst_dev",
      max_session_duration: 3600,
      permissions_boundary: "arn:aws:iam::123456789012:policy/boundary",
    });
  });

  it("opens Athena's catalog: the default database and the list of databases (names only), and the drivers' listings", () => {
    // Act
    const { json } = synthConstruct((scope) => analyst(scope));
    // Assess
    const permissions = Object.values(json.data?.aws_iam_policy_document ?? {}).find((d) => JSON.stringify(d).includes("athena:"));
    const statements = permissions?.statement as { sid: string }[];
    expect(statements.find((s) => s.sid === "OpenCatalog")).toEqual({
      sid: "OpenCatalog",
      effect: "Allow",
      actions: ["glue:GetDatabase", "glue:GetDatabases"],
      resources: [
        "arn:aws:glue:eu-west-1:123456789012:catalog",
        "arn:aws:glue:eu-west-1:123456789012:database/default",
        "arn:aws:glue:eu-west-1:123456789012:database/*",
      ],
    });
    expect(statements.find((s) => s.sid === "ListWithDrivers")).toEqual({
      sid: "ListWithDrivers",
      effect: "Allow",
      actions: ["athena:ListDataCatalogs", "athena:ListWorkGroups", "athena:ListEngineVersions"],
      resources: ["*"],
    });
    expect(statements.find((s) => s.sid === "ResultUploads")).toMatchObject({ actions: ["s3:ListBucketMultipartUploads"] });
  });

  it("uses the key only through S3 and Glue in the environment's region", () => {
    // Act
    const { json } = synthConstruct((scope) => analyst(scope));
    // Assess
    const permissions = Object.values(json.data?.aws_iam_policy_document ?? {}).find((d) => JSON.stringify(d).includes("athena:"));
    const kms = (permissions?.statement as { sid: string; condition?: unknown }[]).filter((s) => s.sid.includes("S3"));
    expect(kms).toEqual([
      expect.objectContaining({
        sid: "DecryptThroughS3AndGlue",
        actions: ["kms:Decrypt", "kms:DescribeKey"],
        condition: [
          { test: "StringEquals", variable: "kms:ViaService", values: ["s3.eu-west-1.amazonaws.com", "glue.eu-west-1.amazonaws.com"] },
        ],
      }),
      expect.objectContaining({
        sid: "EncryptResultsThroughS3",
        actions: ["kms:GenerateDataKey"],
        condition: [{ test: "StringEquals", variable: "kms:ViaService", values: ["s3.eu-west-1.amazonaws.com"] }],
      }),
    ]);
  });
});
