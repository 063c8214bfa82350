import { GlueCatalogDatabase as GlueCatalogDatabaseResource } from "@cdktf/provider-aws/lib/glue-catalog-database";
import { ref, Token } from "cdktf";
import { GlueCatalogDatabase } from "../../../../modules/glue/glue_catalog_database/glue-catalog-database";
import { MetricCareValidationError } from "../../../../modules/shared/errors";
import { synthConstruct } from "../../../support/construct-synth";
import { TEST_AWS } from "../../../support/test-context";

const PROPS = { aws: TEST_AWS, databaseName: "metriccare_bronze_dev", description: "Bronze layer", locationUri: "s3://lakehouse/bronze/" };

describe("GlueCatalogDatabase", () => {
  it("creates the database with its description and default table location", () => {
    // Act
    const { synth } = synthConstruct((scope) => new GlueCatalogDatabase(scope, "bronze_database", PROPS));
    // Assess
    expect(synth).toHaveResourceWithProperties(GlueCatalogDatabaseResource, {
      name: "metriccare_bronze_dev",
      description: "Bronze layer",
      location_uri: "s3://lakehouse/bronze/",
    });
  });

  it("exposes the database, its name and ARN, and the ARN pattern of its tables", () => {
    // Act
    const { built, resolve, ref } = synthConstruct((scope) => new GlueCatalogDatabase(scope, "bronze_database", PROPS));
    // Assess
    const name = ref("aws_glue_catalog_database", "bronze_database/database", "name");
    expect(built.database).toBeInstanceOf(GlueCatalogDatabaseResource);
    expect(resolve(built.databaseName)).toBe(name);
    expect(resolve(built.databaseArn)).toBe(ref("aws_glue_catalog_database", "bronze_database/database", "arn"));
    expect(resolve(built.tablesArn)).toBe(`arn:aws:glue:eu-west-1:123456789012:table/${name}/*`);
  });

  it.each(["Metriccare_Bronze", "metriccare-bronze", "", "a".repeat(256)])(
    "rejects the name %p, which Athena would need quoted",
    (databaseName) => {
      // Act
      const act = () => synthConstruct((scope) => new GlueCatalogDatabase(scope, "bronze_database", { ...PROPS, databaseName }));
      // Assess
      expect(act).toThrow(MetricCareValidationError);
      expect(act).toThrow(
        `GlueCatalogDatabase "bronze_database": \`databaseName\` must be lowercase letters, digits and underscores (at most 255 characters), got "${databaseName}".`,
      );
    },
  );

  it("accepts a name of 255 characters", () => {
    // Act
    const act = () =>
      synthConstruct((scope) => new GlueCatalogDatabase(scope, "bronze_database", { ...PROPS, databaseName: "a".repeat(255) }));
    // Assess
    expect(act).not.toThrow();
  });

  it("skips an unresolved name token", () => {
    // Act
    const { synth } = synthConstruct(
      (scope) => new GlueCatalogDatabase(scope, "bronze_database", { ...PROPS, databaseName: Token.asString(ref("local.bronze")) }),
    );
    // Assess
    expect(synth).toHaveResourceWithProperties(GlueCatalogDatabaseResource, { name: "${local.bronze}" });
  });
});
