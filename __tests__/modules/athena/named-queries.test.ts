import { AthenaNamedQuery } from "@cdktf/provider-aws/lib/athena-named-query";
import { join } from "node:path";
import { AthenaWorkgroup } from "../../../modules/athena/athena-workgroup";
import { NamedQueries, readNamedQueries } from "../../../modules/athena/named-queries";
import { GlueCatalogDatabase } from "../../../modules/glue/glue_catalog_database/glue-catalog-database";
import { MetricCareValidationError } from "../../../modules/shared/errors";
import { testBucket } from "../../support/construct-fixtures";
import { synthConstruct } from "../../support/construct-synth";
import { PROJECT_ROOT } from "../../support/metriccare-stack";
import { TEST_AWS, tempDirectory, testKey, writeFile } from "../../support/test-context";

function queryFolder(files: Record<string, string>): string {
  const directory = tempDirectory();
  for (const [name, content] of Object.entries(files)) writeFile(directory, name, content);
  return directory;
}

describe("readNamedQueries", () => {
  it("reads each .sql file in name order: the name, the description line and the statement after it", () => {
    // Prepare
    const directory = queryFolder({
      "b_measure.sql": "-- Second measure.\nSELECT b\nFROM t\n",
      "a_measure.sql": "-- First measure, newest first.\nWITH x AS (SELECT 1 AS a)\nSELECT a FROM x\n",
      "notes.txt": "not a query",
    });
    // Act
    const queries = readNamedQueries(directory);
    // Assess
    expect(queries).toEqual([
      { name: "a_measure", description: "First measure, newest first.", sql: "WITH x AS (SELECT 1 AS a)\nSELECT a FROM x" },
      { name: "b_measure", description: "Second measure.", sql: "SELECT b\nFROM t" },
    ]);
  });

  it.each([
    [{ "m.sql": "SELECT 1" }, `m.sql must start with a "-- <description>" line, got "SELECT 1".`],
    [{ "m.sql": "-- Two statements.\nSELECT 1; SELECT 2" }, 'm.sql must hold one SELECT (or WITH ... SELECT) statement without ";".'],
    [{ "m.sql": "-- Not a query.\nDROP TABLE t" }, 'm.sql must hold one SELECT (or WITH ... SELECT) statement without ";".'],
    [{ "m.txt": "-- Not SQL.\nSELECT 1" }, "the folder must hold at least one .sql file, found none."],
  ])("rejects %p", (files, message) => {
    // Prepare
    const directory = queryFolder(files);
    // Act
    const act = () => readNamedQueries(directory);
    // Assess
    expect(act).toThrow(MetricCareValidationError);
    expect(act).toThrow(`NamedQueries "${directory}": ${message}`);
  });

  it("finds one query per Gold table in etl/athena", () => {
    // Act
    const names = readNamedQueries(join(PROJECT_ROOT, "etl", "athena")).map((q) => q.name);
    // Assess
    expect(names).toEqual([
      "average_length_of_stay",
      "condition_prevalence",
      "encounters_by_class_month",
      "patients_by_age_band_gender",
      "readmission_rate_30d",
    ]);
  });
});

describe("NamedQueries", () => {
  it("saves each file as a named query in the workgroup, against the database", () => {
    // Prepare
    const directory = queryFolder({ "encounters.sql": "-- Encounters per month.\nSELECT period_month FROM encounters" });
    // Act
    const { synth, ref } = synthConstruct((scope) => {
      const key = testKey(scope);
      const database = new GlueCatalogDatabase(scope, "gold", {
        aws: TEST_AWS,
        databaseName: "metriccare_gold_dev",
        description: "Gold",
        locationUri: "s3://lakehouse/gold/",
      });
      const workgroup = new AthenaWorkgroup(scope, "athena", {
        aws: TEST_AWS,
        workgroupName: "analytics",
        description: "Gold",
        resultsBucket: testBucket(scope, key),
        kmsKey: key,
        bytesScannedCutoffPerQuery: 10_000_000,
      });
      return new NamedQueries(scope, "queries", { directory, database, workgroup });
    });
    // Assess
    expect(synth).toHaveResourceWithProperties(AthenaNamedQuery, {
      name: "encounters",
      description: "Encounters per month.",
      query: "SELECT period_month FROM encounters",
      database: ref("aws_glue_catalog_database", "gold/database", "name"),
      workgroup: ref("aws_athena_workgroup", "athena/workgroup", "name"),
    });
  });
});
