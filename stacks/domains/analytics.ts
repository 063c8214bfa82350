import type { Construct } from "constructs";
import { AnalystRole } from "../../modules/athena/analyst-role";
import { AthenaWorkgroup } from "../../modules/athena/athena-workgroup";
import { NamedQueries } from "../../modules/athena/named-queries";
import { Domain, type EnvironmentContext } from "./domain";
import type { EtlPipeline } from "./etl-pipeline";
import { ATHENA_RESULTS_PREFIX, type Storage } from "./storage";

/** Props for {@link Analytics}. */
export interface AnalyticsProps {
  readonly context: EnvironmentContext;
  readonly storage: Storage;
  readonly pipeline: EtlPipeline;
  /** The measures as named queries, one `.sql` file each (`etl/athena`). */
  readonly queriesDirectory: string;
}

/** Gold in Athena, for analysts and dashboards: one enforced workgroup, the measures as named queries, a read-only role. */
export class Analytics extends Domain {
  /** The workgroup analysts query in. */
  public readonly workgroup: AthenaWorkgroup;
  /** The role analysts and Power BI assume. */
  public readonly analystRole: AnalystRole;

  public constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    const { context, storage, pipeline } = props;
    const { aws, config, environment: env } = context;

    this.workgroup = new AthenaWorkgroup(this, "athena", {
      aws,
      workgroupName: context.name("analytics"),
      description: `MetricCare ${context.environmentName}: queries over the Gold tables`,
      resultsBucket: storage.lakehouse,
      resultsPrefix: ATHENA_RESULTS_PREFIX,
      kmsKey: storage.key,
      bytesScannedCutoffPerQuery: env.derived.athenaBytesScannedCutoffPerQuery,
    });
    new NamedQueries(this, "gold_queries", {
      directory: props.queriesDirectory,
      database: pipeline.databases.gold,
      workgroup: this.workgroup,
    });
    this.analystRole = new AnalystRole(this, "analyst", {
      aws,
      roleName: context.name("analyst"),
      trustedPrincipalArns: env.athena.analystPrincipalArns,
      fallbackPrincipalArn: context.deployerArn,
      workgroup: this.workgroup,
      database: pipeline.databases.gold,
      data: storage.lakehouseAt("gold/"),
      kmsKey: storage.key,
      permissionsBoundaryArn: config.permissionsBoundaryArn,
    });
    storage.key.allowDataAccess(this.analystRole.roleArn);
  }
}
