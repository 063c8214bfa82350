import { GlueCatalogDatabase as GlueCatalogDatabaseResource } from "@cdktf/provider-aws/lib/glue-catalog-database";
import { Construct } from "constructs";
import { arn, type AwsContext } from "../../shared/aws-context";
import { validatePattern } from "../../shared/validation";

/** Names the Glue Data Catalog (and Athena) accept without quoting. */
export const CATALOG_NAME_PATTERN = /^[a-z0-9_]{1,255}$/;
export const CATALOG_NAME_RULE = "lowercase letters, digits and underscores (at most 255 characters)";

/** Props for {@link GlueCatalogDatabase}. */
export interface GlueCatalogDatabaseProps {
  /** Where the database lives. */
  readonly aws: AwsContext;
  /** Database name, e.g. `metriccare_bronze_dev`. */
  readonly databaseName: string;
  /** What the database holds. */
  readonly description: string;
  /** Default location of its tables, e.g. `s3://<lakehouse>/bronze/`. */
  readonly locationUri: string;
}

/**
 * One database of the lakehouse in the Glue Data Catalog (bronze, silver or gold). The Glue jobs
 * register their Hudi tables here; Athena and Power BI read them.
 */
export class GlueCatalogDatabase extends Construct {
  /** The database. */
  public readonly database: GlueCatalogDatabaseResource;
  /** Name of the database. */
  public readonly databaseName: string;
  /** ARN of the database. */
  public readonly databaseArn: string;
  /** ARN pattern of every table in the database, for IAM policies. */
  public readonly tablesArn: string;

  public constructor(scope: Construct, id: string, props: GlueCatalogDatabaseProps) {
    super(scope, id);
    validatePattern(`GlueCatalogDatabase "${id}"`, "databaseName", props.databaseName, CATALOG_NAME_PATTERN, CATALOG_NAME_RULE);

    this.database = new GlueCatalogDatabaseResource(this, "database", {
      name: props.databaseName,
      description: props.description,
      locationUri: props.locationUri,
    });
    this.databaseName = this.database.name;
    this.databaseArn = this.database.arn;
    this.tablesArn = arn(props.aws, "glue", `table/${this.database.name}/*`);
  }
}
