import { Construct, type IConstruct } from "constructs";
import type { MetricCareConfig } from "../../config/types";
import type { AwsContext } from "../../modules/shared/aws-context";
import type { SettingReferences, WorkspaceValues } from "../workspace-settings";

const DOMAIN = Symbol.for("metriccare.Domain");

/**
 * One part of the architecture (storage, the ETL pipeline, the trigger, observability, analytics):
 * it groups the constructs of its part without renaming their resources. The stack leaves domains
 * out of logical ids, so that resources keep the Terraform addresses they had before domains existed.
 */
export abstract class Domain extends Construct {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, DOMAIN, { value: true });
  }

  /** Whether `construct` is a domain (checked by marker, not by class: one copy of this module or several). */
  public static isDomain(construct: IConstruct): boolean {
    return (construct as unknown as Record<symbol, unknown>)[DOMAIN] === true;
  }
}

/** What every domain needs to know about the environment it builds. */
export interface EnvironmentContext {
  /** Account, region and partition. */
  readonly aws: AwsContext;
  /** The validated configuration (shared settings). */
  readonly config: MetricCareConfig;
  /** The selected workspace's settings, by their configuration names. */
  readonly environment: SettingReferences<WorkspaceValues>;
  /** The environment's name (`terraform.workspace`), a token. */
  readonly environmentName: string;
  /** The role (or user) running Terraform. */
  readonly deployerArn: string;
  /** Whether stateful resources carry `prevent_destroy` (all but a deliberate teardown synth). */
  readonly preventDestroy: boolean;
  /** CloudWatch namespace of the pipeline's own metrics, `<project>/<environment>`: the jobs' data quality and the trigger's freshness check. */
  readonly metricsNamespace: string;
  /** `<project>_<service>_<environment>`, the seed's naming standard. */
  name(service: string): string;
  /** A list of principals from the settings, or the role running Terraform when the list is empty (never nobody, never the account). */
  orDeployer(principalArns: string[]): string[];
}
